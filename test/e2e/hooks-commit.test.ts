import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { codeReply, startFakeModelServer, type FakeReply } from '../helpers/fake-model-server.js';
import { CLI_PATH, runCli } from '../helpers/run-cli.js';
import { modelEnv, runWithModel } from '../helpers/scenario.js';
import { SUM_INTENT, SUM_RIGHT, SUM_WRONG, sumRepoFiles } from '../helpers/sum-fixture.js';
import { createGitOnlyBin } from '../helpers/git-only-bin.js';
import { commitAsUser, createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

/** `git commit` in the repo with the installed hook able to find the built CLI and the fake model; `path` replaces PATH. */
async function commitWithHook(replies: FakeReply[], message: string, path?: string) {
  const server = await startFakeModelServer({ replies });
  try {
    const result = await commitAsUser(repo, message, { ...modelEnv(server), NO_COLOR: '1', ...(path ? { PATH: path } : {}) });
    return { ...result, requests: server.requests };
  } finally {
    await server.close();
  }
}

async function repoWithHook(): Promise<TempRepo> {
  const created = await createTempRepo({ ...sumRepoFiles(), '.gitignore': 'node_modules/\n' }, { commit: true });
  const install = await runCli(['hook', 'install'], { cwd: created.root });
  expect(install.exitCode).toBe(0);
  expect(install.stdout).toContain('ainative build --staged');
  // The hook looks for a local install first: point node_modules/.bin/ainative at the built CLI.
  await created.write('node_modules/.bin/ainative', `#!/bin/sh\nexec "${process.execPath}" "${CLI_PATH}" "$@"\n`);
  await chmod(join(created.root, 'node_modules/.bin/ainative'), 0o755);
  return created;
}

it('a staged intent change rebuilds its module in the pre-commit hook and the commit contains it', async () => {
  repo = await repoWithHook();
  await repo.write('intents/sum.intent.md', `${SUM_INTENT}Handles big numbers.\n`);
  await repo.git.add('intents/sum.intent.md');
  const commit = await commitWithHook([{ content: codeReply('src/sum.ts', SUM_RIGHT) }], 'describe big numbers');

  expect(commit.exitCode).toBe(0);
  expect(commit.requests).toHaveLength(1);
  const files = (await repo.git.raw(['show', '--name-only', '--format=', 'HEAD'])).trim().split('\n').sort();
  expect(files).toContain('src/sum.ts');
  expect(files).toContain('ainative.lock');
  expect(files).toContain('intents/sum.intent.md');
});

it('the hook runs the ainative that installed it when neither node_modules/.bin nor PATH has one', async () => {
  repo = await createTempRepo(sumRepoFiles(), { commit: true });
  expect((await runCli(['hook', 'install'], { cwd: repo.root })).exitCode).toBe(0);
  // A PATH with git alone, as a git GUI might pass: no node, no npx, no ainative.
  const onlyGit = createGitOnlyBin();
  try {
    await repo.write('intents/sum.intent.md', `${SUM_INTENT}Handles big numbers.\n`);
    await repo.git.add('intents/sum.intent.md');
    const commit = await commitWithHook([{ content: codeReply('src/sum.ts', SUM_RIGHT) }], 'no ainative on PATH', onlyGit.dir);

    expect(commit.stderr).not.toContain('cannot find the ainative CLI');
    expect(commit.exitCode).toBe(0);
    expect(commit.requests).toHaveLength(1);
    const files = (await repo.git.raw(['show', '--name-only', '--format=', 'HEAD'])).trim().split('\n');
    expect(files).toEqual(expect.arrayContaining(['intents/sum.intent.md', 'src/sum.ts', 'ainative.lock']));
  } finally {
    onlyGit.cleanup();
  }
});

it('a failing build blocks the commit', async () => {
  repo = await repoWithHook();
  await repo.write('intents/sum.intent.md', `${SUM_INTENT}Handles big numbers.\n`);
  await repo.git.add('intents/sum.intent.md');
  const head = await repo.git.revparse(['HEAD']);
  const wrong = { content: codeReply('src/sum.ts', SUM_WRONG) };
  const commit = await commitWithHook([wrong, wrong, wrong, wrong], 'should not land');

  expect(commit.exitCode).not.toBe(0);
  expect(commit.stderr).toMatch(/the commit was blocked/);
  expect(await repo.git.revparse(['HEAD'])).toBe(head);
  expect(await repo.read('src/sum.ts')).toBeUndefined();
});

it('--staged refuses with exit 4, writing nothing, when an intent it would build has unstaged changes', async () => {
  repo = await createTempRepo(sumRepoFiles(), { commit: true });
  await repo.write('intents/sum.intent.md', `${SUM_INTENT}Handles big numbers.\n`);
  await repo.git.add('intents/sum.intent.md');
  await repo.write('intents/sum.intent.md', `${SUM_INTENT}Handles big numbers.\nAnd negative ones.\n`);
  const run = await runWithModel(repo, [{ content: codeReply('src/sum.ts', SUM_RIGHT) }], ['build', '--staged', '--stage']);

  expect(run.exitCode).toBe(4);
  expect(run.stderr).toMatch(/intents\/sum\.intent\.md: has changes that are not staged/);
  expect(run.requests).toHaveLength(0);
  expect(await repo.read('src/sum.ts')).toBeUndefined();
  expect(await repo.read('ainative.lock')).toBeUndefined();
  expect((await repo.git.status()).staged).toEqual(['intents/sum.intent.md']);

  // Once the whole edit is staged, the same command builds.
  await repo.git.add('intents/sum.intent.md');
  const again = await runWithModel(repo, [{ content: codeReply('src/sum.ts', SUM_RIGHT) }], ['build', '--staged', '--stage']);
  expect(again.exitCode).toBe(0);
  expect((await repo.git.status()).staged).toEqual(expect.arrayContaining(['ainative.lock', 'intents/sum.intent.md', 'src/sum.ts']));
});

it('keeps both the staged and the unstaged part of a partially staged unrelated file', async () => {
  repo = await repoWithHook();
  await repo.write('notes.md', 'one\n');
  await repo.commit('notes');
  await repo.write('notes.md', 'one\ntwo staged\n');
  await repo.git.add('notes.md');
  await repo.write('notes.md', 'one\ntwo staged\nthree unstaged\n');
  await repo.write('intents/sum.intent.md', `${SUM_INTENT}Handles big numbers.\n`);
  await repo.git.add('intents/sum.intent.md');
  const commit = await commitWithHook([{ content: codeReply('src/sum.ts', SUM_RIGHT) }], 'partial');

  expect(commit.exitCode).toBe(0);
  expect(await repo.git.show(['HEAD:notes.md'])).toBe('one\ntwo staged\n');
  expect(await repo.read('notes.md')).toBe('one\ntwo staged\nthree unstaged\n');
  expect((await repo.git.diff()).trim()).toMatch(/\+three unstaged/);
});

it('--commit makes one commit with provenance trailers and no unrelated file', async () => {
  repo = await createTempRepo(sumRepoFiles(), { commit: true });
  await repo.write('unrelated.txt', 'not ainative\n');
  await repo.git.add('unrelated.txt');
  const run = await runWithModel(
    repo,
    [{ content: codeReply('src/sum.ts', SUM_WRONG) }, { content: codeReply('src/sum.ts', SUM_RIGHT) }],
    ['build', '--commit', '--model', 'coder-1'],
  );

  expect(run.exitCode).toBe(0);
  const body = await repo.git.raw(['log', '-1', '--format=%B']);
  expect(body).toMatch(/^ainative: build sum/);
  expect(body).toContain('Ainative-Intent: sum');
  expect(body).toContain('Ainative-Model: coder-1');
  expect(body).toMatch(/Ainative-Attempts: sum=2/);
  const files = (await repo.git.raw(['show', '--name-only', '--format=', 'HEAD'])).trim().split('\n');
  expect(files).not.toContain('unrelated.txt');
  expect(files).toContain('src/sum.ts');
  expect((await repo.git.status()).staged).toEqual(['unrelated.txt']);
});
