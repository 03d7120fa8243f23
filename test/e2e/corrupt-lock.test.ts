import { execa } from 'execa';
import { afterEach, expect, it } from 'vitest';
import { codeReply } from '../helpers/fake-model-server.js';
import { runCli } from '../helpers/run-cli.js';
import { runWithModel } from '../helpers/scenario.js';
import { SUM_RIGHT, sumRepoFiles } from '../helpers/sum-fixture.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

const right = { content: codeReply('src/sum.ts', SUM_RIGHT) };

async function builtAndCommitted(): Promise<TempRepo> {
  const created = await createTempRepo(sumRepoFiles(), { commit: true });
  expect((await runWithModel(created, [right])).exitCode).toBe(0);
  await created.commit('built sum');
  return created;
}

it('a corrupt ainative.lock is exit 2 naming the file and the fix, and the fix it prints works', async () => {
  repo = await builtAndCommitted();
  const lock = await repo.read('ainative.lock');
  await repo.write('ainative.lock', lock!.slice(0, 40));

  const run = await runWithModel(repo, [right]);
  expect(run.exitCode).toBe(2);
  expect(run.stderr).toMatch(
    /^ainative: ainative\.lock: not valid JSON \(.+\); restore the committed one with `git checkout HEAD -- ainative\.lock`, or delete it to rebuild every intent$/m,
  );
  expect(run.requests).toHaveLength(0);

  const command = /`(git checkout [^`]+)`/.exec(run.stderr)![1]!;
  await execa('sh', ['-c', command], { cwd: repo.root });
  const status = await runCli(['status', '--json'], { cwd: repo.root });
  expect(status.exitCode).toBe(0);
  expect(JSON.parse(status.stdout)).toMatchObject({ intents: [{ id: 'sum', state: 'fresh' }] });
});

it('a lock left with merge conflict markers says so, and deleting it rebuilds every intent', async () => {
  repo = await builtAndCommitted();
  const lock = (await repo.read('ainative.lock'))!;
  await repo.write('ainative.lock', `<<<<<<< HEAD\n${lock}=======\n${lock}>>>>>>> feature\n`);

  const run = await runWithModel(repo, [right]);
  expect(run.exitCode).toBe(2);
  expect(run.stderr).toContain(
    'ainative: ainative.lock: has unresolved merge conflict markers; keep one side (`git checkout --ours ainative.lock`)',
  );

  await repo.remove('ainative.lock');
  const rebuilt = await runWithModel(repo, [right], ['build', '--json']);
  expect(rebuilt.exitCode).toBe(0);
  // Rebuilt from the committed response cache, so to the same module and the same lock.
  expect(JSON.parse(rebuilt.stdout)).toMatchObject({ ok: true, replayed: 1, modules: [{ id: 'sum', status: 'built' }] });
  expect(await repo.read('ainative.lock')).toBe(lock);
});
