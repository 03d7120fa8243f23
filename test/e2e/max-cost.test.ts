import { afterEach, expect, it } from 'vitest';
import { codeReply } from '../helpers/fake-model-server.js';
import { runWithModel, userChanges } from '../helpers/scenario.js';
import { SUM_RIGHT, sumRepoFiles } from '../helpers/sum-fixture.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

const wrong = {
  content: codeReply('src/sum.ts', SUM_RIGHT.replace('a + b', 'a - b')),
  usage: { prompt_tokens: 800, completion_tokens: 300 },
};

it('stops at --max-cost once the spent cost reaches it: exit code 6, nothing half-built', async () => {
  repo = await createTempRepo(sumRepoFiles(), { commit: true });
  // 800 prompt tokens at 5 per million and 300 completion tokens at 20 per million: 0.01 an attempt.
  const run = await runWithModel(
    repo,
    [wrong, wrong, wrong],
    ['build', '--max-cost', '0.02', '--prompt-price', '5', '--completion-price', '20', '--json'],
  );

  expect(run.exitCode).toBe(6);
  expect(run.requests).toHaveLength(2);
  const report = JSON.parse(run.stdout);
  expect(report.budgetExhausted).toBe('cost budget exhausted (0.02 of --max-cost 0.02 spent)');
  expect(report.cost).toBeCloseTo(0.02, 8);
  expect(report.modules[0]).toMatchObject({ id: 'sum', status: 'failed', tokens: { prompt: 1600, completion: 600 } });
  expect(await repo.read('src/sum.ts')).toBeUndefined();
  expect(await userChanges(repo)).toEqual([]);
});

it('refuses --max-cost without a price as a usage error naming what is missing', async () => {
  repo = await createTempRepo(sumRepoFiles(), { commit: true });
  const none = await runWithModel(repo, [], ['build', '--max-cost', '1']);
  expect(none.exitCode).toBe(2);
  expect(none.stderr).toContain('--max-cost needs a price: set promptPricePerMillion and completionPricePerMillion');
  expect(none.requests).toHaveLength(0);

  const half = await runWithModel(repo, [], ['build', '--max-cost', '1', '--prompt-price', '5']);
  expect(half.exitCode).toBe(2);
  expect(half.stderr).toContain('completionPricePerMillion is not set');
  expect(half.requests).toHaveLength(0);
});
