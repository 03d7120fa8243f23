import type { TokenUsage } from '../ports.js';

/** No tokens spent. */
export function noUsage(): TokenUsage {
  return { prompt: 0, completion: 0 };
}

/** Adds `usage` into `total` in place; the total counts as estimated once any part of it was. */
export function addUsage(total: TokenUsage, usage: TokenUsage): void {
  total.prompt += usage.prompt;
  total.completion += usage.completion;
  if (usage.estimated) total.estimated = true;
}

/** The sum of some usages. */
export function sumUsage(usages: readonly TokenUsage[]): TokenUsage {
  const total = noUsage();
  for (const usage of usages) addUsage(total, usage);
  return total;
}
