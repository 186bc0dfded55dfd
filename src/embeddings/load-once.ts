/**
 * Memoises an async load so that a model is read once per process, but forgets a failed attempt:
 * the failure goes to the caller that triggered it (described by `describeFailure`), and the next
 * call tries again, so a model repaired on disk (`npm ci`) is picked up without a restart.
 * Concurrent callers during a load share it.
 */
export function loadOnce<T>(load: () => Promise<T>, describeFailure: (error: unknown) => Error): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= Promise.resolve()
      .then(load)
      .catch((error: unknown) => {
        pending = undefined;
        throw describeFailure(error);
      });
    return pending;
  };
}
