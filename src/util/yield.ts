/**
 * Long synchronous work (a training loop: TensorFlow.js ops run synchronously) keeps the event loop
 * from turning, so Ctrl-C (the CLI's signal handlers), timers and progress output wait until it ends.
 * The returned function, awaited often (every batch), gives the event loop a turn at most every `everyMs`.
 */
export function eventLoopYielder(everyMs = 100): () => Promise<void> {
  let last = performance.now();
  return async () => {
    const now = performance.now();
    if (now - last < everyMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    last = performance.now();
  };
}
