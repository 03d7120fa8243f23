import { BudgetExceededError } from '../errors.js';
import type { TokenBudget } from '../agent/engine.js';
import type { TokenUsage } from '../ports.js';
import { addUsage, noUsage } from '../model/usage.js';
import { costOf, formatCost, type Price } from './cost.js';

/** The message for a budget that ran out, or undefined when `error` is something else. */
export function budgetReason(error: unknown, options: { signal?: AbortSignal; deadline?: AbortSignal }): string | undefined {
  if (error instanceof BudgetExceededError) return error.message;
  if (options.deadline?.aborted && !options.signal?.aborted) return 'time budget (--timeout) exhausted';
  return undefined;
}

/** What a build may spend; an undefined limit is no limit. `maxCost` needs `price`. */
export interface BudgetLimits {
  maxTokens?: number;
  maxCost?: number;
  price?: Price;
}

/** Counts tokens (and their cost, when a price is known) across the whole build. */
export function buildBudget(limits: BudgetLimits): TokenBudget {
  const spent = noUsage();
  return {
    check() {
      const tokens = spent.prompt + spent.completion;
      if (limits.maxTokens !== undefined && tokens >= limits.maxTokens) {
        throw new BudgetExceededError(`token budget exhausted (${tokens} of --max-tokens ${limits.maxTokens} spent)`);
      }
      const cost = limits.price ? costOf(spent, limits.price) : 0;
      if (limits.maxCost !== undefined && cost >= limits.maxCost) {
        throw new BudgetExceededError(`cost budget exhausted (${formatCost(cost)} of --max-cost ${limits.maxCost} spent)`);
      }
    },
    spend(usage) {
      addUsage(spent, usage);
    },
  };
}

/**
 * Counts what one intent spends (its reproduce loops and its build loop) while charging the build's budget, so the
 * intent's totals hold every token it used, even when the budget stops it half-way.
 */
export function tokenMeter(budget: TokenBudget): TokenBudget & { readonly spent: TokenUsage } {
  const spent = noUsage();
  return {
    spent,
    check: () => budget.check(),
    spend(usage) {
      addUsage(spent, usage);
      budget.spend(usage);
    },
  };
}
