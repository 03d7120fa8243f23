import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTempRepo, type TempRepo } from '../../../test/helpers/temp-repo.js';
import { changedSinceHead, stagedPaths, unstagedPaths } from './changes.js';

const repos: TempRepo[] = [];
afterEach(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});

async function repoWith(files: Record<string, string>, options: { commit?: boolean } = {}): Promise<TempRepo> {
  const repo = await createTempRepo(files, options);
  repos.push(repo);
  return repo;
}

/** A committed repo, then: a staged edit, an unstaged edit, a new untracked file, an ignored file and a staged deletion. */
async function repoWithEveryKindOfChange(prefix = ''): Promise<TempRepo> {
  const p = (path: string): string => `${prefix}${path}`;
  const repo = await repoWith(
    { '.gitignore': 'dist/\n*.log\n', [p('staged.ts')]: '1', [p('unstaged.ts')]: '1', [p('same.ts')]: '1', [p('gone.ts')]: '1' },
    { commit: true },
  );
  await repo.write(p('staged.ts'), '2');
  await repo.git.add(p('staged.ts'));
  await repo.write(p('unstaged.ts'), '2');
  await repo.write(p('new dir/untracked [1].ts'), 'new');
  await repo.write(p('dist/out.js'), 'ignored');
  await repo.write(p('debug.log'), 'ignored');
  await repo.git.rm(p('gone.ts'));
  return repo;
}

describe('changedSinceHead', () => {
  it('lists staged, unstaged, untracked and deleted paths, but not ignored or unchanged ones', async () => {
    const repo = await repoWithEveryKindOfChange();
    expect(await changedSinceHead(repo.root, repo.root)).toEqual(['gone.ts', 'new dir/untracked [1].ts', 'staged.ts', 'unstaged.ts']);
  });

  it('lists a staged edit even when the work tree is back to HEAD, since the index would commit it', async () => {
    const repo = await repoWith({ 'a.ts': '1', 'b.ts': '1' }, { commit: true });
    await repo.write('a.ts', '2');
    await repo.git.add('a.ts');
    await repo.write('a.ts', '1');
    expect(await changedSinceHead(repo.root, repo.root)).toEqual(['a.ts']);
  });

  it('lists both sides of a staged rename', async () => {
    const repo = await repoWith({ 'old.ts': 'export const x = 1;\n'.repeat(20) }, { commit: true });
    await repo.git.mv('old.ts', 'new.ts');
    expect(await changedSinceHead(repo.root, repo.root)).toEqual(['new.ts', 'old.ts']);
  });

  it('answers relative to a project in a subfolder and leaves out changes outside it', async () => {
    const repo = await repoWithEveryKindOfChange('packages/app/');
    await repo.write('outside.ts', 'x');
    await repo.write('packages/other/x.ts', 'x');
    const project = join(repo.root, 'packages', 'app');
    expect(await changedSinceHead(repo.root, project)).toEqual(['gone.ts', 'new dir/untracked [1].ts', 'staged.ts', 'unstaged.ts']);
  });

  it('lists everything not ignored in a repo without commits', async () => {
    const repo = await repoWith({ '.gitignore': 'dist/\n', 'a.ts': '1', 'src/b.ts': '2', 'dist/c.js': '3' });
    await repo.git.add('a.ts');
    expect(await changedSinceHead(repo.root, repo.root)).toEqual(['.gitignore', 'a.ts', 'src/b.ts']);
  });

  it('refuses a project root outside the git work tree', async () => {
    const repo = await repoWith({ 'a.ts': '1' });
    const other = await repoWith({});
    await expect(changedSinceHead(repo.root, other.root)).rejects.toThrow(/is not inside the git work tree/);
  });
});

describe('stagedPaths', () => {
  it('lists only staged paths, deletions included', async () => {
    const repo = await repoWithEveryKindOfChange();
    expect(await stagedPaths(repo.root, repo.root)).toEqual(['gone.ts', 'staged.ts']);
  });

  it('lists both sides of a rename', async () => {
    const repo = await repoWith({ 'src/old.ts': 'export const x = 1;\n'.repeat(20) }, { commit: true });
    await repo.git.mv('src/old.ts', 'src/new.ts');
    expect(await stagedPaths(repo.root, repo.root)).toEqual(['src/new.ts', 'src/old.ts']);
  });

  it('answers relative to a project in a subfolder', async () => {
    const repo = await repoWithEveryKindOfChange('app/');
    await repo.write('top.ts', 'x');
    await repo.git.add('top.ts');
    expect(await stagedPaths(repo.root, join(repo.root, 'app'))).toEqual(['gone.ts', 'staged.ts']);
  });

  it('lists staged files in a repo without commits', async () => {
    const repo = await repoWith({ 'a.ts': '1', 'b.ts': '2' });
    await repo.git.add('a.ts');
    expect(await stagedPaths(repo.root, repo.root)).toEqual(['a.ts']);
  });
});

describe('unstagedPaths', () => {
  it('lists unstaged edits and untracked files, not staged-only, ignored or unchanged ones', async () => {
    const repo = await repoWithEveryKindOfChange();
    expect(await unstagedPaths(repo.root, repo.root)).toEqual(['new dir/untracked [1].ts', 'unstaged.ts']);
  });

  it('lists a staged file edited again since it was staged', async () => {
    const repo = await repoWithEveryKindOfChange();
    await repo.write('staged.ts', '3');
    expect(await unstagedPaths(repo.root, repo.root)).toContain('staged.ts');
  });

  it('answers relative to a project in a subfolder and leaves out changes outside it', async () => {
    const repo = await repoWithEveryKindOfChange('app/');
    await repo.write('outside.ts', 'new');
    expect(await unstagedPaths(repo.root, join(repo.root, 'app'))).toEqual(['new dir/untracked [1].ts', 'unstaged.ts']);
  });
});
