// The `sum` fixture of the end-to-end tests and the attack harness: one intent, its test, a right and a wrong module.

/** A small intent used across end-to-end tests: `sum` in src/sum.ts, judged by test/sum.test.ts. */
export const SUM_INTENT = `---
module: src/sum.ts
exports:
  - "sum(a: number, b: number): number"
---
Adds two numbers and returns the total.
`;

export const SUM_TEST = `import { describe, expect, it } from 'vitest';
import { sum } from '../src/sum.ts';

describe('sum', () => {
  it('adds two positives', () => {
    expect(sum(2, 3)).toBe(5);
  });
  it('adds negatives', () => {
    expect(sum(-4, -6)).toBe(-10);
  });
});
`;

export const SUM_RIGHT = 'export function sum(a: number, b: number): number {\n  return a + b;\n}\n';
export const SUM_WRONG = 'export function sum(a: number, b: number): number {\n  return a * b;\n}\n';
/** Passes SUM_TEST but is wrong when `a` is 0: the bug of the bug-report tests. */
export const SUM_BUGGY = 'export function sum(a: number, b: number): number {\n  if (a === 0) return 0;\n  return a + b;\n}\n';

/** SUM_INTENT with more frontmatter lines (e.g. `allow: [fs]`, `isolation: shared`) before its `module:` line. */
export function sumIntentWith(...lines: string[]): string {
  return SUM_INTENT.replace('module:', `${lines.map((line) => `${line}\n`).join('')}module:`);
}

/** Files of a repo holding only intents/ and test/ for `sum`. */
export function sumRepoFiles(): Record<string, string> {
  return { 'intents/sum.intent.md': SUM_INTENT, 'test/sum.test.ts': SUM_TEST };
}
