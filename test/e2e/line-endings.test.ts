import { afterEach, expect, it } from 'vitest';
import { codeReply } from '../helpers/fake-model-server.js';
import { runCli } from '../helpers/run-cli.js';
import { runWithModel } from '../helpers/scenario.js';
import { SUM_RIGHT, sumRepoFiles } from '../helpers/sum-fixture.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

it('keeps intents fresh when the intent, its tests and its module are checked out with CRLF line endings', async () => {
  repo = await createTempRepo(sumRepoFiles(), { commit: true });
  expect((await runWithModel(repo, [{ content: codeReply('src/sum.ts', SUM_RIGHT) }])).exitCode).toBe(0);
  // What git does on Windows with core.autocrlf: the same files, with CRLF line endings.
  for (const path of ['intents/sum.intent.md', 'test/sum.test.ts', 'src/sum.ts']) {
    await repo.write(path, (await repo.read(path))!.replace(/\n/g, '\r\n'));
  }

  const status = await runCli(['status', '--json'], { cwd: repo.root });
  expect(JSON.parse(status.stdout).intents).toEqual([
    expect.objectContaining({ id: 'sum', state: 'fresh', reasons: [], editedByHand: false }),
  ]);
  const rebuilt = await runWithModel(repo, [], ['build', '--json']);
  expect(rebuilt.exitCode).toBe(0);
  expect(rebuilt.requests).toHaveLength(0);
  expect(JSON.parse(rebuilt.stdout).modules).toEqual([expect.objectContaining({ id: 'sum', status: 'fresh' })]);
});
