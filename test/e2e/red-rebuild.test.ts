import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { codeReply } from '../helpers/fake-model-server.js';
import { runCli } from '../helpers/run-cli.js';
import { runWithModel } from '../helpers/scenario.js';
import { SUM_RIGHT, SUM_WRONG, sumRepoFiles } from '../helpers/sum-fixture.js';
import { cloneTempRepo, createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
let clone: TempRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  clone?.cleanup();
  clone = undefined;
});

it('asks the model again when rebuilding after a red build, instead of replaying the red replies', async () => {
  repo = await createTempRepo(sumRepoFiles(), { commit: true });
  const wrong = { content: codeReply('src/sum.ts', SUM_WRONG) };
  const red = await runWithModel(repo, [wrong, wrong], ['build', '--max-attempts', '2']);
  expect(red.exitCode).toBe(1);
  expect(JSON.parse((await runCli(['cache', 'stats', '--json'], { cwd: repo.root })).stdout).entries).toBe(0);

  const again = await runWithModel(repo, [{ content: codeReply('src/sum.ts', SUM_RIGHT) }], ['build', '--max-attempts', '2', '--json']);
  expect(again.exitCode).toBe(0);
  expect(again.requests).toHaveLength(1);
  expect(JSON.parse(again.stdout)).toMatchObject({ ok: true, replayed: 0, modules: [{ id: 'sum', status: 'built', attempts: 1 }] });
  expect(await repo.read('src/sum.ts')).toContain('return a + b;');
});

it('replays a green build offline in a fresh clone with zero requests, even one whose first reply was cut at the token limit', async () => {
  repo = await createTempRepo({ ...sumRepoFiles(), '.gitignore': 'src/\n' }, { commit: true });
  const cut = { content: codeReply('src/sum.ts', SUM_RIGHT), finishReason: 'length' as const };
  const green = await runWithModel(repo, [cut, { content: codeReply('src/sum.ts', SUM_RIGHT) }]);
  expect(green.exitCode).toBe(0);
  expect(green.requests).toHaveLength(2);
  await repo.commit('build');

  clone = await cloneTempRepo(repo);
  const offline = await runWithModel(clone, [], ['build', '--frozen', '--json']);
  expect(offline.exitCode).toBe(0);
  expect(offline.requests).toHaveLength(0);
  expect(JSON.parse(offline.stdout)).toMatchObject({ replayed: 2, modules: [{ id: 'sum', status: 'built', attempts: 2 }] });
  expect(await readFile(join(clone.root, 'src/sum.ts'), 'utf8')).toBe(await repo.read('src/sum.ts'));
});
