import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { codeReply } from '../helpers/fake-model-server.js';
import { runCli } from '../helpers/run-cli.js';
import { runWithModel } from '../helpers/scenario.js';
import { SUM_INTENT, SUM_RIGHT, SUM_WRONG, sumRepoFiles } from '../helpers/sum-fixture.js';
import { cloneTempRepo, createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
const clones: TempRepo[] = [];
afterEach(() => {
  repo?.cleanup();
  for (const clone of clones.splice(0)) clone.cleanup();
});

/** Builds sum red-then-green, commits everything but the generated module (as a repo ignoring generated code would). */
async function builtRepoWithoutModule(): Promise<TempRepo> {
  const created = await createTempRepo({ ...sumRepoFiles(), '.gitignore': 'src/\n' }, { commit: true });
  const run = await runWithModel(created, [
    { content: codeReply('src/sum.ts', SUM_WRONG) },
    { content: codeReply('src/sum.ts', SUM_RIGHT) },
  ]);
  expect(run.exitCode).toBe(0);
  await created.commit('build');
  return created;
}

async function cloneOf(source: TempRepo): Promise<TempRepo> {
  const clone = await cloneTempRepo(source);
  clones.push(clone);
  return clone;
}

it('rebuilds a fresh clone offline from the committed cache, byte-identical, with zero requests', async () => {
  repo = await builtRepoWithoutModule();
  const original = await repo.read('src/sum.ts');
  const clone = await cloneOf(repo);

  const rebuilt = await runWithModel(clone, [], ['build', '--frozen', '--json']);
  expect(rebuilt.exitCode).toBe(0);
  expect(rebuilt.requests).toHaveLength(0);
  const report = JSON.parse(rebuilt.stdout);
  expect(report.replayed).toBe(2);
  expect(report.modules[0]).toMatchObject({ status: 'built', attempts: 2 });
  expect(await readFile(join(clone.root, 'src/sum.ts'), 'utf8')).toBe(original);
  expect(await readFile(join(clone.root, 'ainative.lock'), 'utf8')).toBe(await repo.read('ainative.lock'));
});

it('fails a --frozen build on a cache miss with exit 7 naming the intent, and writes nothing', async () => {
  repo = await builtRepoWithoutModule();
  await repo.write('intents/sum.intent.md', `${SUM_INTENT}Also adds floats.\n`);
  await repo.commit('change intent');

  const run = await runWithModel(repo, [{ content: codeReply('src/sum.ts', SUM_RIGHT) }], ['build', '--frozen']);
  expect(run.exitCode).toBe(7);
  expect(run.requests).toHaveLength(0);
  expect(run.stderr).toMatch(/^ainative: intents\/sum\.intent\.md: no cached reply for this request/m);
  expect((await repo.git.status()).files).toEqual([]);
});

it('prunes cache entries the lock no longer references, and reports stats', async () => {
  repo = await builtRepoWithoutModule();
  const before = JSON.parse((await runCli(['cache', 'stats', '--json'], { cwd: repo.root })).stdout);
  expect(before.entries).toBe(2);

  const pruned = JSON.parse((await runCli(['cache', 'prune', '--json'], { cwd: repo.root })).stdout);
  expect(pruned).toMatchObject({ removed: 0, kept: 2 });

  await repo.write('intents/sum.intent.md', `${SUM_INTENT}Also adds floats.\n`);
  expect((await runWithModel(repo, [{ content: codeReply('src/sum.ts', SUM_RIGHT) }])).exitCode).toBe(0);
  const afterRebuild = JSON.parse((await runCli(['cache', 'prune', '--json'], { cwd: repo.root })).stdout);
  expect(afterRebuild).toMatchObject({ removed: 2, kept: 1 });
  expect(await repo.read('.gitattributes')).toContain('.ainative/cache/** linguist-generated=true -diff');
});
