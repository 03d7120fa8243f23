import { describe, expect, it } from 'vitest';
import { promptSizeProblem } from './prompt-size.js';
import { makeIntent, TEST_TEMPLATES } from '../testing/fakes.js';

const first = (testText: string) => ({
  templates: TEST_TEMPLATES,
  intent: makeIntent('cart'),
  usedApis: [],
  tests: [{ path: 'test/cart.test.ts', content: testText }],
  maxAttempts: 4,
});

describe('promptSizeProblem', () => {
  it('lets a prompt within the limit, or any prompt without one, through', () => {
    expect(promptSizeProblem(first('x'.repeat(400)), 1000)).toBeUndefined();
    expect(promptSizeProblem(first('x'.repeat(40_000)), undefined)).toBeUndefined();
  });

  it('names the intent file, the intent and the estimated size (4 characters a token) of a prompt over the limit', () => {
    const small = promptSizeProblem(first(''), 1);
    const larger = promptSizeProblem(first('x'.repeat(4000)), 1);
    const size = (problem: string | undefined) => Number(/~(\d+) tokens/.exec(problem ?? '')?.[1]);
    expect(size(larger) - size(small)).toBe(1000);
    expect(larger).toMatch(
      /^intents\/cart\.intent\.md: the prompt for intent 'cart' is ~\d+ tokens, over maxPromptTokens \(1\); shorten its description or tests, split the intent, or raise the limit \(--max-prompt-tokens or "maxPromptTokens" in ainative.config.json\)$/,
    );
  });
});
