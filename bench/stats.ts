// Timing and summary statistics. Every figure is milliseconds from process.hrtime.bigint().

/** Milliseconds since `start` (a process.hrtime.bigint() value). */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Median, min and max of samples. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** A single measured (or deterministic) value as a summary. */
export function single(value: number): Summary {
  return { median: value, min: value, max: value, n: 1 };
}

/** Summarizes samples; the median of an even count is the mean of the middle two. */
export function summarize(samples: number[]): Summary {
  if (samples.length === 0) throw new Error('no samples to summarize');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, n: sorted.length };
}

/**
 * Collects up to `count` samples of `fn` after `warmup` discarded runs, stopping early (with at least 3 samples)
 * once `budgetMs` is spent, so a slow machine makes the bench coarser, never endless.
 */
export async function sample(
  fn: (i: number) => Promise<number>,
  options: { count: number; warmup: number; budgetMs: number },
): Promise<number[]> {
  for (let i = 0; i < options.warmup; i++) await fn(-1 - i);
  const samples: number[] = [];
  const start = process.hrtime.bigint();
  for (let i = 0; i < options.count; i++) {
    samples.push(await fn(i));
    if (samples.length >= 3 && msSince(start) > options.budgetMs) break;
  }
  return samples;
}
