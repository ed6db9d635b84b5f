/**
 * A heavy library loaded on demand (dynamic import), once: later calls share the load; a
 * failed load (a chunk that did not arrive) is tried again on the next call.
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((e: unknown) => {
      loading = undefined;
      throw e;
    });
    return loading;
  };
}
