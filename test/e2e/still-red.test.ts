import { afterEach, expect, it } from 'vitest';
import { codeReply } from '../helpers/fake-model-server.js';
import { runWithModel, userChanges } from '../helpers/scenario.js';
import { SUM_WRONG, sumRepoFiles } from '../helpers/sum-fixture.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

const HAND_WRITTEN = '// written by a person, committed\nexport function sum(a: number, b: number): number {\n  return a - b;\n}\n';

it('restores the module byte for byte and exits 1 when the tests are still red after the last attempt', async () => {
  repo = await createTempRepo({ ...sumRepoFiles(), 'src/sum.ts': HAND_WRITTEN }, { commit: true });
  const wrong = { content: codeReply('src/sum.ts', SUM_WRONG) };
  const run = await runWithModel(repo, [wrong, wrong], ['build', '--max-attempts', '2']);

  expect(run.exitCode).toBe(1);
  expect(run.requests).toHaveLength(2);
  expect(await repo.read('src/sum.ts')).toBe(HAND_WRITTEN);
  expect(await repo.read('ainative.lock')).toBeUndefined();
  expect(run.stdout).toContain('sum: tests still failing after 2 attempts; src/sum.ts was restored');
  expect(run.stdout).toContain('expected: 5');
  expect(await userChanges(repo)).toEqual([]);
});

it('removes a module that did not exist before the build, and the folder it created', async () => {
  repo = await createTempRepo(sumRepoFiles(), { commit: true });
  const wrong = { content: codeReply('src/sum.ts', SUM_WRONG) };
  const run = await runWithModel(repo, [wrong], ['build', '--max-attempts', '1', '--json']);

  expect(run.exitCode).toBe(1);
  expect(JSON.parse(run.stdout)).toMatchObject({
    ok: false,
    modules: [{ id: 'sum', status: 'failed', attempts: 1, tests: { passed: 0, failed: 2 } }],
  });
  expect(await repo.read('src/sum.ts')).toBeUndefined();
  expect(await userChanges(repo)).toEqual([]);
});
