import { afterEach, expect, it } from 'vitest';
import { codeReply } from '../helpers/fake-model-server.js';
import { runWithModel } from '../helpers/scenario.js';
import { SUM_RIGHT, SUM_WRONG, sumRepoFiles } from '../helpers/sum-fixture.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

it('streams every attempt to stderr with --verbose while --json keeps stdout one document', async () => {
  repo = await createTempRepo(sumRepoFiles(), { commit: true });
  const run = await runWithModel(
    repo,
    [{ content: codeReply('src/sum.ts', SUM_WRONG) }, { content: codeReply('src/sum.ts', SUM_RIGHT) }],
    ['build', '--verbose', '--json'],
  );

  expect(run.exitCode).toBe(0);
  expect(JSON.parse(run.stdout).modules[0]).toMatchObject({ id: 'sum', status: 'built', attempts: 2 });
  const { stderr } = run;
  // In order: what was sent, what came back, what the next attempt was told, then the second attempt.
  const order = [
    '=== sum · attempt 1/4 · writing src/sum.ts ===',
    '--- sent: system ---',
    '--- sent: user ---',
    'Adds two numbers and returns the total.',
    '--- reply (tokens ',
    'return a * b;',
    '--- feedback ---',
    'expected: 5',
    '=== sum · attempt 1/4: red at tests, tests 0 passed, 2 failed',
    '=== sum · attempt 2/4 · writing src/sum.ts ===',
    '--- sent: assistant ---',
    'return a + b;',
    '=== sum · attempt 2/4: green',
  ];
  let from = 0;
  for (const text of order) {
    const at = stderr.indexOf(text, from);
    expect(at, `${text} after position ${from}`).toBeGreaterThanOrEqual(from);
    from = at + text.length;
  }
});
