import { afterEach, describe, expect, it } from 'vitest';
import { codeReply, type FakeReply } from '../helpers/fake-model-server.js';
import { runWithModel } from '../helpers/scenario.js';
import { SUM_INTENT, SUM_RIGHT, SUM_TEST, sumRepoFiles } from '../helpers/sum-fixture.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

/** Replies that would build `sum` green: a failure below is the input's, never the model's. */
const GREEN: FakeReply[] = Array.from({ length: 4 }, () => ({ content: codeReply('src/sum.ts', SUM_RIGHT) }));

const cases: Array<{ name: string; files: Record<string, string>; args?: string[]; error: RegExp }> = [
  {
    name: 'a test file that does not parse',
    files: { 'test/sum.test.ts': SUM_TEST.replace('expect(sum(2, 3)).toBe(5);', 'expect(sum(2, 3).toBe(5);') },
    error: /^ainative: test\/sum\.test\.ts:6:29: does not parse as TypeScript: Expected `,` or `\)` but found `;`$/,
  },
  {
    name: 'a test importing a file that is not there',
    files: { 'test/sum.test.ts': `import { cases } from './fixtures/cases.ts';\n${SUM_TEST}` },
    error:
      /^ainative: test\/sum\.test\.ts: imports '\.\/fixtures\/cases\.ts', which does not resolve: there is no file test\/fixtures\/cases\.ts$/,
  },
  {
    name: 'a test importing a package that is not installed',
    files: { 'test/sum.test.ts': `import { z } from 'zod';\n${SUM_TEST}` },
    error:
      /^ainative: test\/sum\.test\.ts: imports 'zod', which does not resolve: the package 'zod' is not installed; install it with npm i -D zod$/,
  },
  {
    name: 'an exports: signature that does not parse',
    files: { 'intents/sum.intent.md': SUM_INTENT.replace('sum(a: number, b: number): number', 'sum(a: number, b: number: number') },
    error:
      /^ainative: intents\/sum\.intent\.md: key 'exports' has the signature 'sum\(a: number, b: number: number', which cannot be checked: it does not parse \(.+\)$/,
  },
  {
    name: 'a first prompt over --max-prompt-tokens',
    files: {},
    args: ['--max-prompt-tokens', '100'],
    error:
      /^ainative: intents\/sum\.intent\.md: the prompt for intent 'sum' is ~\d{3,} tokens, over maxPromptTokens \(100\); shorten its description or tests/,
  },
  {
    name: 'a first prompt over maxPromptTokens in ainative.config.json',
    files: { 'ainative.config.json': '{ "maxPromptTokens": 100 }\n' },
    error: /^ainative: intents\/sum\.intent\.md: the prompt for intent 'sum' is ~\d{3,} tokens, over maxPromptTokens \(100\)/,
  },
];

describe('problems only the user can fix stop the build before any model call', () => {
  for (const { name, files, args = [], error } of cases) {
    it(`${name}: exit 2, one line naming the file, no request to the model, nothing written`, async () => {
      repo = await createTempRepo({ ...sumRepoFiles(), ...files }, { commit: true });
      const run = await runWithModel(repo, GREEN, ['build', ...args]);

      expect(run.exitCode).toBe(2);
      expect(run.stderr.trimEnd()).toMatch(error);
      expect(run.requests).toHaveLength(0);
      expect((await repo.git.status()).files).toEqual([]);
    });
  }
});

it('builds an intent with no description, after warning that the model gets only the exports and the tests', async () => {
  repo = await createTempRepo(
    { ...sumRepoFiles(), 'intents/sum.intent.md': SUM_INTENT.replace('Adds two numbers and returns the total.\n', '') },
    { commit: true },
  );
  const run = await runWithModel(repo, GREEN);

  expect(run.exitCode).toBe(0);
  expect(run.stderr).toContain(
    'ainative: warning: intents/sum.intent.md: describes no behaviour below its frontmatter; the model gets only the required exports and the tests',
  );
  expect(run.requests).toHaveLength(1);
  expect(await repo.read('src/sum.ts')).toContain(SUM_RIGHT);
});
