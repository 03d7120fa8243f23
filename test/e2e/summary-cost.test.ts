import { afterEach, expect, it } from 'vitest';
import { codeReply } from '../helpers/fake-model-server.js';
import { runWithModel } from '../helpers/scenario.js';
import { SUM_RIGHT, SUM_WRONG, sumRepoFiles } from '../helpers/sum-fixture.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

const PRICES = JSON.stringify({ promptPricePerMillion: 2.5, completionPricePerMillion: 10 });

it('writes a Markdown summary, appends it to the GitHub job summary, and marks tokens the provider did not report with ~', async () => {
  repo = await createTempRepo(
    { ...sumRepoFiles(), 'ainative.config.json': PRICES, 'step-summary.md': '## earlier step\n' },
    { commit: true },
  );
  // This provider sends no usage: ainative counts the tokens itself.
  const run = await runWithModel(
    repo,
    { omitsUsage: true, replies: [{ content: codeReply('src/sum.ts', SUM_WRONG) }, { content: codeReply('src/sum.ts', SUM_RIGHT) }] },
    ['build', '--json', '--summary', 'reports/build.md'],
    { GITHUB_STEP_SUMMARY: `${repo.root}/step-summary.md` },
  );
  expect(run.exitCode).toBe(0);
  const report = JSON.parse(run.stdout);
  const { prompt, completion, estimated } = report.modules[0].tokens;
  expect(estimated).toBe(true);
  expect(report.tokens).toEqual({ prompt, completion, estimated: true });
  expect(report.cost).toBeCloseTo((prompt * 2.5 + completion * 10) / 1e6, 8);
  expect(report.modules[0].cost).toBe(report.cost);
  expect(report.modules[0].ms).toBeGreaterThan(0);

  const table = (await repo.read('reports/build.md'))!;
  expect(table.split('\n').slice(0, 2)).toEqual([
    '| intent | status | attempts | tests | tokens | time | cost |',
    '| --- | --- | ---: | --- | ---: | ---: | ---: |',
  ]);
  expect(table).toMatch(
    new RegExp(
      `^\\| \`sum\` \\| built \\| 2 \\| 2 passed, 0 failed \\| ~${prompt} \\+ ~${completion} \\| \\d+\\.\\ds \\| 0\\.\\d+ \\|$`,
      'm',
    ),
  );
  expect(await repo.read('step-summary.md')).toBe(`## earlier step\n${table}\n`);
});

it('shows the cost and ~ in the closing line of a terminal build', async () => {
  repo = await createTempRepo({ ...sumRepoFiles() }, { commit: true });
  const run = await runWithModel(repo, { omitsUsage: true, replies: [{ content: codeReply('src/sum.ts', SUM_RIGHT) }] }, [
    'build',
    '--prompt-price',
    '2.5',
    '--completion-price',
    '10',
  ]);
  expect(run.exitCode).toBe(0);
  expect(run.stdout).toMatch(/· tokens ~\d+ prompt \+ ~\d+ completion · cost ~0\.\d+$/);
  expect(run.stdout).toMatch(/✔ sum built src\/sum\.ts in 1 attempt \(\d+\.\ds\) {2}tests 2 passed, 0 failed {2}tokens ~\d+\+~\d+/);
});
