import type { TokenUsage } from '../ports.js';

// How counts and times are written wherever a person reads them (terminal, summary table), so they read the same.

/** A token count, with `~` in front when it was estimated (the provider sent no usage). */
export function formatTokens(count: number, estimated: boolean | undefined): string {
  return `${estimated ? '~' : ''}${count}`;
}

/** `tokens 600+150`, or `tokens ~600+~150` when estimated. */
export function formatUsage(usage: TokenUsage): string {
  return `tokens ${formatTokens(usage.prompt, usage.estimated)}+${formatTokens(usage.completion, usage.estimated)}`;
}

/** Seconds with one decimal below a minute, then minutes and seconds: `4.2s`, `3m07s`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  return `${Math.floor(seconds / 60)}m${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
}
