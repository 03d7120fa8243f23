import { describe, expect, it } from 'vitest';
import { forEachInDependencyOrder } from './schedule.js';

/** A work function whose tasks finish only when the test says so, recording starts. */
function controlled() {
  const started: string[] = [];
  const finishers = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();
  const work = (item: { id: string }) =>
    new Promise<void>((resolve, reject) => {
      started.push(item.id);
      finishers.set(item.id, { resolve, reject });
    });
  const settle = async () => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { started, finishers, work, settle };
}

describe('forEachInDependencyOrder', () => {
  it('starts independent items together up to the limit, and dependents only after what they use', async () => {
    const items = [
      { id: 'a', uses: [] },
      { id: 'b', uses: [] },
      { id: 'c', uses: [] },
      { id: 'd', uses: ['a'] },
    ];
    const { started, finishers, work, settle } = controlled();
    const done = forEachInDependencyOrder(items, 2, work);
    await settle();
    expect(started).toEqual(['a', 'b']);
    finishers.get('b')!.resolve();
    await settle();
    expect(started).toEqual(['a', 'b', 'c']);
    finishers.get('a')!.resolve();
    await settle();
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    finishers.get('c')!.resolve();
    finishers.get('d')!.resolve();
    await done;
  });

  it('starts nothing new after an error, waits for the running ones, then throws it', async () => {
    const items = [
      { id: 'a', uses: [] },
      { id: 'b', uses: [] },
      { id: 'c', uses: [] },
    ];
    const { started, finishers, work, settle } = controlled();
    let aborted = 0;
    const done = forEachInDependencyOrder(items, 2, work, () => aborted++);
    await settle();
    finishers.get('a')!.reject(new Error('provider down'));
    await settle();
    expect(aborted).toBe(1);
    expect(started).toEqual(['a', 'b']);
    finishers.get('b')!.resolve();
    await expect(done).rejects.toThrow('provider down');
    expect(started).toEqual(['a', 'b']);
  });

  it('treats uses outside the list as already done', async () => {
    const seen: string[] = [];
    await forEachInDependencyOrder([{ id: 'x', uses: ['elsewhere'] }], 1, async (item) => void seen.push(item.id));
    expect(seen).toEqual(['x']);
  });
});
