import { describe, expect, it } from 'vitest';
import { FEEDBACK_LIMITS, stripAnsi, summarizeFailures } from './feedback.js';
import type { TestFailure, TestRunResult } from '../ports.js';
import { failingRun } from '../testing/fakes.js';

const MODULE = 'src/slug.ts';

function failure(overrides: Partial<TestFailure> = {}): TestFailure {
  return {
    name: 'slugify > lowercases',
    file: 'test/slug.test.ts',
    message: "expected 'Hello' to be 'hello'",
    expected: "'hello'",
    actual: "'Hello'",
    line: 7,
    source: "expect(slugify('Hello')).toBe('hello');",
    ...overrides,
  };
}

function summarizeTests(tests: TestRunResult): string {
  return summarizeFailures({ modulePath: MODULE, typeProblems: [], tests });
}

describe('summarizeFailures on failing tests', () => {
  it('shows the test name, file:line, source line, expected and actual', () => {
    const text = summarizeTests(failingRun([failure()], 3));
    expect(text).toBe(
      [
        'Failing tests (1 of 4):',
        '1. slugify > lowercases (test/slug.test.ts:7)',
        "   at: expect(slugify('Hello')).toBe('hello');",
        "   expected 'Hello' to be 'hello'",
        "   expected: 'hello'",
        "   actual:   'Hello'",
      ].join('\n'),
    );
  });

  it('strips terminal colour codes', () => {
    const coloured = failure({
      message: "\u001b[31mexpected\u001b[39m \u001b[1m'Hello'\u001b[22m",
      expected: "\u001b[32m'hello'\u001b[39m",
    });
    const text = summarizeTests(failingRun([coloured]));
    expect(text).not.toContain('\u001b');
    expect(text).toContain("   expected 'Hello'\n");
    expect(text).toContain("   expected: 'hello'\n");
    expect(stripAnsi('\u001b[2K\u001b[1A\u001b]8;;https://x\u0007link\u001b]8;;\u0007')).toBe('link');
  });

  it('groups identical failures and names the other tests once', () => {
    const failures = [
      failure({ name: 'slugify > a' }),
      failure({ name: 'slugify > b', line: 9 }),
      failure({ name: 'slugify > c', line: 11 }),
      failure({ name: 'slugify > trims', message: 'expected true to be false', expected: 'false', actual: 'true' }),
    ];
    const text = summarizeTests(failingRun(failures));
    expect(text).toContain('1. slugify > a (test/slug.test.ts:7)');
    expect(text).toContain('   same failure in 2 more: slugify > b; slugify > c');
    expect(text).toContain('2. slugify > trims');
    expect(text.match(/expected 'Hello' to be 'hello'/g)).toHaveLength(1);
  });

  it('clips a huge message', () => {
    const text = summarizeTests(failingRun([failure({ message: 'x'.repeat(1_000_000) })]));
    expect(text.length).toBeLessThan(2_000);
    expect(text).toContain(`... [${1_000_000 - FEEDBACK_LIMITS.messageChars} more characters]`);
  });

  it('caps the number of distinct failures shown', () => {
    const failures = Array.from({ length: 200 }, (_, i) =>
      failure({ name: `case ${i}`, message: `wrong answer ${i}`, expected: `${i}`, actual: `${i + 1}` }),
    );
    const text = summarizeTests(failingRun(failures));
    expect(text).toContain('Failing tests (200 of 200):');
    expect(text).toContain(`case ${FEEDBACK_LIMITS.failures - 1} `);
    expect(text).not.toContain(`case ${FEEDBACK_LIMITS.failures} `);
    expect(text).toContain(`... and ${200 - FEEDBACK_LIMITS.failures} more distinct failures`);
  });

  it('never exceeds the total limit by more than a short suffix', () => {
    const big = 'y'.repeat(50_000);
    const failures = Array.from({ length: 200 }, (_, i) =>
      failure({ name: `case ${i} ${big}`, message: `${i} ${big}`, expected: big, actual: `${i}${big}`, source: big }),
    );
    const text = summarizeFailures({
      modulePath: MODULE,
      replyProblem: big,
      typeProblems: Array.from({ length: 100 }, (_, i) => ({ message: `TS2322: ${i} ${big}`, line: i })),
      tests: { ...failingRun(failures), fileErrors: [{ file: 'test/x.test.ts', message: big }] },
    });
    expect(text.length).toBeLessThanOrEqual(FEEDBACK_LIMITS.totalChars + 80);
    expect(text).toMatch(/\[feedback truncated: \d+ more characters\]$/);
  });
});

describe('summarizeFailures on other problems', () => {
  it('lists type problems with line numbers, once each', () => {
    const text = summarizeFailures({
      modulePath: MODULE,
      typeProblems: [
        { message: "TS2322: Type 'number' is not assignable to type 'string'.", line: 4 },
        { message: "TS2322: Type 'number' is not assignable to type 'string'.", line: 4 },
        { message: "TS2305: Module has no exported member 'slugify'." },
      ],
    });
    expect(text).toBe(
      [
        `Type errors in ${MODULE} (2):`,
        "- line 4: TS2322: Type 'number' is not assignable to type 'string'.",
        "- TS2305: Module has no exported member 'slugify'.",
      ].join('\n'),
    );
  });

  it('caps the type problems shown', () => {
    const typeProblems = Array.from({ length: 40 }, (_, i) => ({ message: `TS2304: Cannot find name 'x${i}'.`, line: i + 1 }));
    const text = summarizeFailures({ modulePath: MODULE, typeProblems });
    expect(text).toContain(`- ... and ${40 - FEEDBACK_LIMITS.typeProblems} more`);
    expect(text).not.toContain("'x39'");
  });

  it('lists errors that stopped test files', () => {
    const tests: TestRunResult = {
      ...failingRun([]),
      fileErrors: [{ file: 'test/slug.test.ts', message: "SyntaxError: Unexpected token '}'" }],
    };
    expect(summarizeTests(tests)).toBe(
      "Errors that stopped test files from running (1):\n- test/slug.test.ts: SyntaxError: Unexpected token '}'",
    );
  });

  it('says why the reply could not be used', () => {
    const text = summarizeFailures({ modulePath: MODULE, replyProblem: 'The reply had no fenced code block.', typeProblems: [] });
    expect(text).toBe('Your reply could not be used: The reply had no fenced code block.');
  });

  it('puts type problems before test failures', () => {
    const text = summarizeFailures({
      modulePath: MODULE,
      typeProblems: [{ message: 'TS2304: x', line: 1 }],
      tests: failingRun([failure()]),
    });
    expect(text.indexOf('Type errors')).toBeLessThan(text.indexOf('Failing tests'));
  });
});
