import type * as Y from 'yjs';

/** A method an app offers, as tools (the console) discover it. */
export interface MethodInfo {
  name: string;
  kind: 'view' | 'mutation';
  /** Argument names and their types, as the app declares them. */
  args: Record<string, string>;
}

export interface AppEvent {
  name: string;
  payload: Uint8Array;
  /** Only the SHA-256 of the payload leaves this device. */
  hashOnly: boolean;
}

export interface AppCallResult {
  /** The method's return value, as JSON bytes (null: none). */
  output: Uint8Array | null;
  /** One Yjs update of the shared writes (null: none; always null for views). */
  update: Uint8Array | null;
  events: AppEvent[];
  /** Writes to this member's private storage on this device (null: remove). */
  privateWrites: [string, Uint8Array | null][];
  logs: string[];
}

export interface CallContext {
  executor: string;
  contextId: Uint8Array;
  /** The verified state to run against (not mutated). */
  doc: Y.Doc;
  /** The Yjs client id the update is written as (from the node's write session). */
  clientID: number;
}

/**
 * A context's application as the node drives it: the built-in key/value app, or a WASM app
 * in a Web Worker. The node signs the update as a state delta; the app never signs.
 */
export interface ContextApp {
  /** The writer name recorded in delta ops. */
  readonly writer: string;
  methods(): MethodInfo[];
  call(method: string, input: Uint8Array, ctx: CallContext): Promise<AppCallResult>;
  /** The verified state changed: keep any replica the app holds in step. */
  stateChanged(doc: Y.Doc, update: Uint8Array | null): void;
  /** This member's private storage for the context, decrypted, before the first call. */
  setPrivate(entries: [string, Uint8Array][]): void;
  close(): void;
}

/** A call the app refused (unknown method, bad input, trap, limit…). Nothing was written. */
export class AppCallError extends Error {
  override readonly name = 'AppCallError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
