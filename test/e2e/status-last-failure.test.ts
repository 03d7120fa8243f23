import { afterEach, expect, it } from 'vitest';
import { codeReply } from '../helpers/fake-model-server.js';
import { runWithModel } from '../helpers/scenario.js';
import { runCli } from '../helpers/run-cli.js';
import { SUM_RIGHT, SUM_WRONG, sumRepoFiles } from '../helpers/sum-fixture.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

it("shows the first line of a failed intent's last feedback in status, until a build turns it green", async () => {
  repo = await createTempRepo(sumRepoFiles(), { commit: true });
  const red = await runWithModel(repo, [{ content: codeReply('src/sum.ts', SUM_WRONG) }], ['build', '--max-attempts', '1']);
  expect(red.exitCode).toBe(1);
  const feedback = JSON.parse((await runCli(['log', 'sum', '--json'], { cwd: repo.root })).stdout).attempts[0].feedback as string;
  const firstLine = feedback
    .split('\n')
    .find((line) => line.trim() !== '')!
    .trim();

  const status = await runCli(['status'], { cwd: repo.root });
  expect(status.exitCode).toBe(0);
  expect(status.stdout).toMatch(/^stale\s+sum\s+src\/sum\.ts/m);
  expect(status.stdout).toContain(`last build failed: ${firstLine}`);
  expect(JSON.parse((await runCli(['status', '--json'], { cwd: repo.root })).stdout).intents[0].lastFailure).toBe(firstLine);

  const green = await runWithModel(repo, [{ content: codeReply('src/sum.ts', SUM_RIGHT) }]);
  expect(green.exitCode).toBe(0);
  const after = await runCli(['status', '--json'], { cwd: repo.root });
  expect(JSON.parse(after.stdout).intents[0]).not.toHaveProperty('lastFailure');
});
