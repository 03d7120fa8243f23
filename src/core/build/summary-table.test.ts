import { describe, expect, it } from 'vitest';
import type { ModuleResult } from './build.js';
import { summaryTable } from './summary-table.js';

const modules: ModuleResult[] = [
  {
    id: 'base',
    module: 'src/base.ts',
    status: 'fresh',
    attempts: 0,
    tests: { passed: 0, failed: 0 },
    tokens: { prompt: 0, completion: 0 },
    reasons: [],
    ms: 0,
  },
  {
    id: 'cart',
    module: 'src/cart.ts',
    status: 'built',
    attempts: 2,
    tests: { passed: 5, failed: 0 },
    tokens: { prompt: 2_000, completion: 500 },
    reasons: [],
    ms: 4_210,
  },
  {
    id: 'pay',
    module: 'src/pay.ts',
    status: 'failed',
    attempts: 4,
    tests: { passed: 1, failed: 2 },
    tokens: { prompt: 8_000, completion: 1_000, estimated: true },
    reasons: [],
    ms: 61_000,
    failure: 'expected 1 | 2',
  },
];

describe('summaryTable', () => {
  it('has a row per intent and a total, with ~ on estimated tokens and the cost at the configured price', () => {
    expect(summaryTable(modules, { promptPerMillion: 1, completionPerMillion: 4 })).toBe(
      [
        '| intent | status | attempts | tests | tokens | time | cost |',
        '| --- | --- | ---: | --- | ---: | ---: | ---: |',
        '| `base` | fresh | 0 | 0 passed, 0 failed | 0 + 0 | — | — |',
        '| `cart` | built | 2 | 5 passed, 0 failed | 2000 + 500 | 4.2s | 0.004 |',
        '| `pay` | failed | 4 | 1 passed, 2 failed | ~8000 + ~1000 | 1m01s | 0.012 |',
        '| **total** |  | 6 |  | ~10000 + ~1500 | 1m05s | 0.016 |',
        '',
      ].join('\n'),
    );
  });

  it('leaves the cost column empty without a price', () => {
    expect(summaryTable(modules.slice(1, 2), undefined)).toContain('| `cart` | built | 2 | 5 passed, 0 failed | 2000 + 500 | 4.2s | — |');
  });
});
