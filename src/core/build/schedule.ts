/** Something with an id that must wait for the ids it uses. */
export interface Schedulable {
  id: string;
  uses: readonly string[];
}

/**
 * Runs `work` for every item, at most `concurrency` at once, each only after everything it uses (within `items`)
 * has finished. Items are started in their given order when ready. On the first error, `onFirstError` runs (to
 * abort the others), nothing new starts, the running ones are awaited, and that error is thrown.
 */
export async function forEachInDependencyOrder<T extends Schedulable>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
  onFirstError: () => void = () => {},
): Promise<void> {
  const ids = new Set(items.map((item) => item.id));
  const finished = new Set<string>();
  const started = new Set<string>();
  const running = new Map<string, Promise<void>>();
  let failure: { error: unknown } | undefined;
  const ready = (item: T) => item.uses.every((used) => !ids.has(used) || finished.has(used));
  for (;;) {
    for (const [index, item] of items.entries()) {
      if (failure || running.size >= Math.max(1, concurrency)) break;
      if (started.has(item.id) || !ready(item)) continue;
      started.add(item.id);
      const task = work(item, index)
        .catch((error: unknown) => {
          if (!failure) {
            failure = { error };
            onFirstError();
          }
        })
        .finally(() => {
          running.delete(item.id);
          finished.add(item.id);
        });
      running.set(item.id, task);
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  if (failure) throw failure.error;
}
