// The baseline worker of the runtime round-trip figure (bench/runtimePage.ts): a bare module
// Worker that answers each request at once with a stored reply of the runtime's shape. No
// app, no queue, no timers: only the postMessage round trip and structured cloning.

interface EchoRequest {
  id: number;
  type: string;
  /** Set once: the value every later reply carries (a real CallResult of the runtime). */
  reply?: unknown;
}

// The worker global scope, typed by hand: the project's TypeScript lib is the DOM one.
const port = self as unknown as {
  postMessage(message: unknown): void;
  onmessage: ((event: MessageEvent<EchoRequest>) => void) | null;
};

let reply: unknown = null;

port.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'set-reply') reply = message.reply;
  port.postMessage({ type: 'reply', id: message.id, ok: true, value: reply });
};
port.postMessage({ type: 'ready' });
