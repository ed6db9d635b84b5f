import type { Replica } from '../../../core/context/replica.ts';
import type { RootId } from '../../../core/identity/index.ts';
import type { OpBody } from '../../../core/ops/op.ts';
import type { ContextState, WriteSession } from '../../../core/state/index.ts';
import { publishedEvents } from '../../../runtime/events.ts';
import { AppCallError } from '../../apps/contextApp.ts';
import { describePayload, parseJson } from '../payloads.ts';
import type { CallOutcome, OpOutcome } from '../view.ts';
import type { AppHost } from './app.ts';
import type { EventLog } from './events.ts';

/** Calls of the context's app methods, as this node's root: views answer, mutations publish a delta. */
export function createAppCalls(p: {
  contextKey: string;
  contextId: Uint8Array;
  myRoot: RootId;
  replica: Replica;
  state: ContextState;
  writeSession: WriteSession;
  app: AppHost;
  events: EventLog;
  publish(body: OpBody): Promise<OpOutcome>;
  writePrivate(context: string, writes: [string, Uint8Array | null][]): Promise<void>;
  now(): number;
}) {
  const { state, writeSession } = p;
  return {
    /**
     * Call an app method. A view returns its result; a mutation's shared writes become one
     * signed delta op (with the call recorded when the context is verifiable); private
     * writes are kept on this device only, once the op is valid.
     */
    async call(method: string, args: unknown): Promise<CallOutcome> {
      const runner = await p.app.ensure();
      const info = runner.methods().find((m) => m.name === method);
      if (!info) throw new AppCallError('unknown-method', `this app has no method "${method}"; it has ${runner.methods().map((m) => m.name).join(', ')}`);
      const input = new TextEncoder().encode(JSON.stringify(args ?? {}));
      const started = p.now();
      const clientID = writeSession.clientIdFor(state.doc);
      const result = await runner.call(method, input, { executor: p.myRoot, contextId: p.contextId, doc: state.doc, clientID });
      const output = result.output ? parseJson(result.output) : null;
      const shown = result.events.map((e) => ({ name: e.name, payload: describePayload(e.payload), hashed: e.hashOnly, executor: p.myRoot, at: p.now() }));
      if (!result.update) {
        if (result.privateWrites.length) await p.writePrivate(p.contextKey, result.privateWrites);
        shown.forEach(p.events.emit);
        return { output, events: shown, logs: result.logs, ms: p.now() - started };
      }
      writeSession.write({ id: runner.writer, write: () => result.update! }, state.doc, { method, args });
      const verifiable = p.replica.governance().verifiable;
      const op = await p.publish({
        kind: 'delta',
        writer: runner.writer,
        update: result.update,
        call: verifiable ? { method, input } : undefined,
        events: publishedEvents(result.events),
      });
      if (op.valid && result.privateWrites.length) await p.writePrivate(p.contextKey, result.privateWrites);
      if (op.valid) shown.forEach((e) => p.events.emit({ ...e, opKey: op.key }));
      return { output, op, events: shown, logs: result.logs, ms: p.now() - started };
    },

    /** Developer tool: run a method without publishing anything; returns what it would write. */
    async dryRun(method: string, args: unknown): Promise<{ output: unknown; update: Uint8Array | null }> {
      const runner = await p.app.ensure();
      const input = new TextEncoder().encode(JSON.stringify(args ?? {}));
      const result = await runner.call(method, input, { executor: p.myRoot, contextId: p.contextId, doc: state.doc, clientID: writeSession.clientIdFor(state.doc) });
      return { output: result.output ? parseJson(result.output) : null, update: result.update };
    },
  };
}
