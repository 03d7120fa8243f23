import { describe, expect, it } from 'vitest';
import { BudgetExceededError } from '../errors.js';
import { buildBudget } from './budget.js';
import { configuredPrice, costOf, formatCost } from './cost.js';

const none = { promptPricePerMillion: undefined, completionPricePerMillion: undefined, maxCost: undefined };

describe('cost', () => {
  it('prices prompt and completion tokens per million', () => {
    expect(costOf({ prompt: 2_000_000, completion: 500_000 }, { promptPerMillion: 0.15, completionPerMillion: 0.6 })).toBeCloseTo(0.6);
  });

  it('writes cents for whole amounts and two significant digits below one', () => {
    expect([formatCost(0), formatCost(12.345), formatCost(0.012345), formatCost(0.0003)]).toEqual(['0', '12.35', '0.012', '0.0003']);
  });

  it('takes a price only when both halves are set, and says which half is missing', () => {
    expect(configuredPrice({ ...none, promptPricePerMillion: 1, completionPricePerMillion: 0 })).toEqual({
      price: { promptPerMillion: 1, completionPerMillion: 0 },
    });
    expect(configuredPrice(none)).toEqual({});
    expect(configuredPrice({ ...none, promptPricePerMillion: 1 }).problem).toBe(
      'a price needs both halves: completionPricePerMillion is not set (add it to ainative.config.json or pass --completion-price <amount>)',
    );
  });

  it('refuses --max-cost without a price, naming both settings', () => {
    expect(configuredPrice({ ...none, maxCost: 1 }).problem).toMatch(
      /^--max-cost needs a price: set promptPricePerMillion and completionPricePerMillion/,
    );
  });
});

describe('buildBudget', () => {
  const price = { promptPerMillion: 10, completionPerMillion: 30 };

  it('stops once the cost spent reaches --max-cost, saying how much was spent', () => {
    const budget = buildBudget({ maxCost: 0.01, price });
    budget.spend({ prompt: 400, completion: 100 });
    expect(() => budget.check()).not.toThrow();
    budget.spend({ prompt: 300, completion: 0 });
    expect(() => budget.check()).toThrow(new BudgetExceededError('cost budget exhausted (0.01 of --max-cost 0.01 spent)'));
  });

  it('still stops at --max-tokens', () => {
    const budget = buildBudget({ maxTokens: 10, maxCost: 100, price });
    budget.spend({ prompt: 8, completion: 2 });
    expect(() => budget.check()).toThrow('token budget exhausted (10 of --max-tokens 10 spent)');
  });
});
