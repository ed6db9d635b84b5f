/**
 * Give the host a turn (rendering, input, other tasks such as the UI's) between slices of
 * long work: a message to ourselves queues behind tasks already waiting, with no timer clamp
 * (nested zero-delay timers wait 4 ms each in browsers). Not `scheduler.yield()`: its
 * continuation runs ahead of other tasks, so the page's own updates would wait to the end.
 */
export function yieldToHost(): Promise<void> {
  if (typeof MessageChannel !== 'function') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
