import { afterEach, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { runWithModel } from '../helpers/scenario.js';
import { sumRepoFiles } from '../helpers/sum-fixture.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

it('rejects an empty --model as a usage error, in one line naming the flag, before anything runs', async () => {
  repo = await createTempRepo(sumRepoFiles(), { commit: true });
  const run = await runWithModel(repo, [], ['build', '--model', '']);

  expect(run.exitCode).toBe(2);
  expect(run.stderr.split('\n')[0]).toBe("error: option '--model <name>' argument '' is invalid. expected a non-empty string");
  expect(run.stderr).not.toMatch(/internal error|at .*\.js/);
  expect(run.requests).toHaveLength(0);
  expect((await repo.git.status()).files).toEqual([]);
});

it('lists every build flag in build --help', async () => {
  repo = await createTempRepo(sumRepoFiles(), { commit: true });
  const help = await runCli(['build', '--help'], { cwd: repo.root });

  expect(help.exitCode).toBe(0);
  // The options section only: the exit codes below name flags too.
  const options = help.stdout.split('\nOptions:\n')[1]!.split('\n\n')[0]!;
  const flags = [...options.matchAll(/^ {2}(--[\w-]+)/gm)].map((match) => match[1]);
  expect(flags).toEqual([
    '--model',
    '--max-attempts',
    '--concurrency',
    '--samples',
    '--shard',
    '--max-tokens',
    '--max-prompt-tokens',
    '--max-cost',
    '--prompt-price',
    '--completion-price',
    '--timeout',
    '--sandbox',
    '--frozen',
    '--no-cache',
    '--changed',
    '--staged',
    '--stage',
    '--commit',
    '--force',
    '--json',
    '--verbose',
    '--summary',
  ]);
});
