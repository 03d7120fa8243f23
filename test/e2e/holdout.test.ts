import { afterEach, expect, it } from 'vitest';
import { codeReply } from '../helpers/fake-model-server.js';
import { allMessages, lastUserMessage, runWithModel } from '../helpers/scenario.js';
import { SUM_RIGHT, sumIntentWith, sumRepoFiles } from '../helpers/sum-fixture.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

const HOLDOUT_TEST = `import { expect, it } from 'vitest';
import { sum } from '../src/sum.ts';
it('adds numbers the visible tests never use', () => {
  expect(sum(1234, 4321)).toBe(5555);
});
`;
/** Hard-codes the visible tests' answers: what a reward-hacking model does. */
const HARD_CODED =
  'export function sum(a: number, b: number): number {\n  if (a === 2 && b === 3) return 5;\n  if (a === -4 && b === -6) return -10;\n  return 0;\n}\n';

function holdoutRepo(): Promise<TempRepo> {
  const intent = sumIntentWith('holdout: [test/sum.holdout.test.ts]');
  return createTempRepo({ ...sumRepoFiles(), 'intents/sum.intent.md': intent, 'test/sum.holdout.test.ts': HOLDOUT_TEST }, { commit: true });
}

it('catches hard-coded visible answers with holdout tests, telling the model only how many hidden tests failed', async () => {
  repo = await holdoutRepo();
  const run = await runWithModel(
    repo,
    [{ content: codeReply('src/sum.ts', HARD_CODED) }, { content: codeReply('src/sum.ts', SUM_RIGHT) }],
    ['build', '--json'],
  );

  expect(run.exitCode).toBe(0);
  const feedback = lastUserMessage(run.requests[1]!);
  expect(feedback).toContain('The visible tests pass, but 1 hidden test failed.');
  for (const request of run.requests) {
    expect(allMessages(request)).not.toContain('1234');
    expect(allMessages(request)).not.toContain('adds numbers the visible tests never use');
    expect(allMessages(request)).not.toContain('sum.holdout.test.ts');
  }
  expect(JSON.parse(run.stdout).modules[0]).toMatchObject({ status: 'built', attempts: 2 });
});

it('reports overfit, exits 1 and restores the module when only the visible tests ever pass', async () => {
  repo = await holdoutRepo();
  const hardCoded = { content: codeReply('src/sum.ts', HARD_CODED) };
  const run = await runWithModel(repo, [hardCoded, hardCoded], ['build', '--max-attempts', '2', '--json']);

  expect(run.exitCode).toBe(1);
  expect(JSON.parse(run.stdout).modules[0]).toMatchObject({ id: 'sum', status: 'overfit', attempts: 2 });
  expect(await repo.read('src/sum.ts')).toBeUndefined();
  expect(await repo.read('ainative.lock')).toBeUndefined();
});
