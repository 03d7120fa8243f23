import { BudgetExceededError } from '../errors.js';
import type { TokenBudget } from '../agent/engine.js';
import type { TokenUsage } from '../ports.js';

/** The message for a budget that ran out, or undefined when `error` is something else. */
export function budgetReason(error: unknown, options: { signal?: AbortSignal; deadline?: AbortSignal }): string | undefined {
  if (error instanceof BudgetExceededError) return error.message;
  if (options.deadline?.aborted && !options.signal?.aborted) return 'time budget (--timeout) exhausted';
  return undefined;
}

/** Counts tokens across the whole build; undefined max means no limit. */
export function tokenBudget(maxTokens: number | undefined): TokenBudget {
  let spent = 0;
  return {
    check() {
      if (maxTokens !== undefined && spent >= maxTokens) throw new BudgetExceededError(`token budget exhausted (${spent} of --max-tokens ${maxTokens} spent)`);
    },
    spend(usage) {
      spent += usage.prompt + usage.completion;
    },
  };
}

/**
 * Counts what one intent spends (its reproduce loops and its build loop) while charging the build's budget, so the
 * intent's totals hold every token it used, even when the budget stops it half-way.
 */
export function tokenMeter(budget: TokenBudget): TokenBudget & { readonly spent: TokenUsage } {
  const spent: TokenUsage = { prompt: 0, completion: 0 };
  return {
    spent,
    check: () => budget.check(),
    spend(usage) {
      spent.prompt += usage.prompt;
      spent.completion += usage.completion;
      budget.spend(usage);
    },
  };
}
