import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { createTempRepo, type TempRepo } from '../../../test/helpers/temp-repo.js';
import { stagedPaths } from './changes.js';
import {
  CommitError,
  commitGenerated,
  formatCommitMessage,
  formatSubject,
  stagePaths,
  SUBJECT_MAX_CHARS,
  type ProvenanceCommit,
} from './commit.js';

const repos: TempRepo[] = [];
afterEach(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});

async function committedRepo(files: Record<string, string>): Promise<TempRepo> {
  const repo = await createTempRepo(files, { commit: true });
  repos.push(repo);
  return repo;
}

const provenance = (paths: string[], more: Partial<ProvenanceCommit> = {}): ProvenanceCommit => ({
  paths,
  intents: ['slugify', 'parse-date'],
  model: 'gpt-test-1',
  attempts: { slugify: 1, 'parse-date': 3 },
  ...more,
});

async function filesInHead(repo: TempRepo): Promise<string[]> {
  return (await repo.git.raw(['show', '--name-only', '--format=', 'HEAD'])).split('\n').filter(Boolean);
}

async function installHook(repo: TempRepo, name: string, script: string): Promise<void> {
  await repo.write(`.git/hooks/${name}`, `#!/bin/sh\n${script}\n`);
  await chmod(join(repo.root, '.git', 'hooks', name), 0o755);
}

describe('commitGenerated', () => {
  it('commits exactly the given paths: a modified, a new and a deleted file', async () => {
    const repo = await committedRepo({ 'src/slugify.ts': 'v1', 'src/old.ts': 'old', 'README.md': 'r' });
    await repo.write('src/slugify.ts', 'v2');
    await repo.write('src/parse-date.ts', 'new');
    await repo.remove('src/old.ts');
    await repo.write('README.md', 'edited, not generated');
    await repo.write('notes.txt', 'untracked, not generated');
    const sha = await commitGenerated(repo.root, repo.root, provenance(['src/slugify.ts', 'src/parse-date.ts', 'src/old.ts']));
    expect(sha).toBe((await repo.git.revparse(['HEAD'])).trim());
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect((await filesInHead(repo)).sort()).toEqual(['src/old.ts', 'src/parse-date.ts', 'src/slugify.ts']);
    const status = await repo.git.status();
    expect(status.modified).toEqual(['README.md']);
    expect(status.not_added).toEqual(['notes.txt']);
  });

  it('leaves a file the user staged before with its exact staged content and unstaged edits', async () => {
    const repo = await committedRepo({ 'src/slugify.ts': 'v1', 'user.ts': 'committed\n' });
    await repo.write('user.ts', 'staged\n');
    await repo.git.add('user.ts');
    await repo.write('user.ts', 'staged\nthen edited\n');
    await repo.write('src/slugify.ts', 'v2');
    await repo.write('src/parse-date.ts', 'new');
    const staged = await repo.git.raw(['diff', '--cached']);
    const unstaged = await repo.git.raw(['diff', '--', 'user.ts']);
    await commitGenerated(repo.root, repo.root, provenance(['src/slugify.ts', 'src/parse-date.ts']));
    expect(await filesInHead(repo)).toEqual(['src/parse-date.ts', 'src/slugify.ts']);
    expect(staged).toContain('+staged');
    expect(await repo.git.raw(['diff', '--cached'])).toBe(staged);
    expect(await repo.git.raw(['diff'])).toBe(unstaged);
    expect(await repo.git.raw(['show', 'HEAD:user.ts'])).toBe('committed\n');
  });

  it('writes trailers that git interpret-trailers parses', async () => {
    const repo = await committedRepo({ 'a.ts': '1' });
    await repo.write('src/slugify.ts', 'new');
    const commit = provenance(['src/slugify.ts'], { extraTrailers: { 'Ainative-Lock': 'sha256:abc\nForged: yes' } });
    await commitGenerated(repo.root, repo.root, commit);
    const message = await repo.git.raw(['log', '-1', '--format=%B']);
    expect(message.split('\n')[0]).toBe('ainative: build slugify, parse-date');
    // execa, because interpret-trailers reads the message from stdin, which simple-git cannot feed.
    const { stdout } = await execa('git', ['interpret-trailers', '--parse'], { cwd: repo.root, input: message });
    expect(stdout.split('\n')).toEqual([
      'Ainative-Intent: slugify',
      'Ainative-Intent: parse-date',
      'Ainative-Model: gpt-test-1',
      'Ainative-Attempts: slugify=1, parse-date=3',
      'Ainative-Lock: sha256:abc Forged: yes',
    ]);
  });

  it("runs the repo's pre-commit hook and is blocked by it unless noVerify", async () => {
    const repo = await committedRepo({ 'a.ts': '1' });
    await installHook(repo, 'pre-commit', 'echo "lint says no" >&2; exit 1');
    await repo.write('src/slugify.ts', 'new');
    const before = (await repo.git.revparse(['HEAD'])).trim();
    const blocked = commitGenerated(repo.root, repo.root, provenance(['src/slugify.ts']));
    await expect(blocked).rejects.toThrow(CommitError);
    await expect(blocked).rejects.toThrow(/lint says no/);
    expect((await repo.git.revparse(['HEAD'])).trim()).toBe(before);
    const sha = await commitGenerated(repo.root, repo.root, provenance(['src/slugify.ts']), { noVerify: true });
    expect(sha).not.toBe(before);
    expect(await repo.git.raw(['rev-parse', 'HEAD~1'])).toBe(`${before}\n`);
  });

  it('tells hooks it is ainative committing, so its own hook can skip a nested build', async () => {
    const repo = await committedRepo({ 'a.ts': '1' });
    await installHook(repo, 'pre-commit', 'echo "${AINATIVE_IN_COMMIT:-unset}" > .git/seen-by-hook');
    await repo.write('src/slugify.ts', 'new');
    await commitGenerated(repo.root, repo.root, provenance(['src/slugify.ts']));
    expect(await readFile(join(repo.root, '.git', 'seen-by-hook'), 'utf8')).toBe('1\n');
  });

  it('commits paths relative to a project in a subfolder', async () => {
    const repo = await committedRepo({ 'app/src/slugify.ts': 'v1', 'top.ts': 't' });
    await repo.write('app/src/slugify.ts', 'v2');
    await repo.write('top.ts', 'edited');
    await commitGenerated(repo.root, join(repo.root, 'app'), provenance(['src/slugify.ts']));
    expect(await filesInHead(repo)).toEqual(['app/src/slugify.ts']);
  });

  it('works on a branch without commits, leaving other staged files staged', async () => {
    const repo = await createTempRepo({ 'user.ts': 'u', 'src/slugify.ts': 'g' });
    repos.push(repo);
    await repo.git.add('user.ts');
    await commitGenerated(repo.root, repo.root, provenance(['src/slugify.ts']));
    expect(await filesInHead(repo)).toEqual(['src/slugify.ts']);
    expect(await stagedPaths(repo.root, repo.root)).toEqual(['user.ts']);
  });

  it('refuses to make an empty commit when the paths match HEAD or were never known to git', async () => {
    const repo = await committedRepo({ 'src/slugify.ts': 'v1' });
    const before = (await repo.git.revparse(['HEAD'])).trim();
    const unchanged = commitGenerated(repo.root, repo.root, provenance(['src/slugify.ts', 'src/never-existed.ts']));
    await expect(unchanged).rejects.toMatchObject({ code: 'NOTHING_TO_COMMIT' });
    await expect(commitGenerated(repo.root, repo.root, provenance([]))).rejects.toMatchObject({ code: 'NOTHING_TO_COMMIT' });
    expect((await repo.git.revparse(['HEAD'])).trim()).toBe(before);
  });

  it('takes glob characters in file names literally', async () => {
    const repo = await committedRepo({ 'src/[id].ts': 'v1', 'src/i.ts': 'v1' });
    await repo.write('src/[id].ts', 'v2');
    await repo.write('src/i.ts', 'v2');
    await commitGenerated(repo.root, repo.root, provenance(['src/[id].ts']));
    expect(await filesInHead(repo)).toEqual(['src/[id].ts']);
  });

  it('refuses paths that leave the project', async () => {
    const repo = await committedRepo({ 'a.ts': '1' });
    await expect(commitGenerated(repo.root, repo.root, provenance(['../x.ts']))).rejects.toThrow(/must stay inside the repo/);
    await expect(commitGenerated(repo.root, repo.root, provenance(['.git/config']))).rejects.toThrow(/must not point into .git/);
  });
});

describe('stagePaths', () => {
  it('stages exactly the given paths, removals included, and skips paths git never knew', async () => {
    const repo = await committedRepo({ 'src/a.ts': '1', 'src/gone.ts': '1', 'other.ts': '1' });
    await repo.write('src/a.ts', '2');
    await repo.write('src/new.ts', 'new');
    await repo.remove('src/gone.ts');
    await repo.write('other.ts', '2');
    await stagePaths(repo.root, repo.root, ['src/a.ts', 'src/new.ts', 'src/gone.ts', 'src/never.ts']);
    expect(await stagedPaths(repo.root, repo.root)).toEqual(['src/a.ts', 'src/gone.ts', 'src/new.ts']);
    expect((await repo.git.status()).modified).toContain('other.ts');
  });

  it('does nothing for an empty list', async () => {
    const repo = await committedRepo({ 'a.ts': '1' });
    await repo.write('a.ts', '2');
    await stagePaths(repo.root, repo.root, []);
    expect(await stagedPaths(repo.root, repo.root)).toEqual([]);
  });
});

describe('formatCommitMessage', () => {
  it('has a subject, a line per intent with its attempts, and trailers last', () => {
    expect(formatCommitMessage(provenance(['src/a.ts'], { attempts: { slugify: 1, 'parse-date': 3, extra: 2 } }))).toBe(
      [
        'ainative: build slugify, parse-date',
        '',
        '- slugify: built in 1 attempt',
        '- parse-date: built in 3 attempts',
        '',
        'Ainative-Intent: slugify',
        'Ainative-Intent: parse-date',
        'Ainative-Model: gpt-test-1',
        'Ainative-Attempts: slugify=1, parse-date=3, extra=2',
        '',
      ].join('\n'),
    );
  });

  it('refuses a trailer key git would not read as one', () => {
    expect(() => formatCommitMessage(provenance([], { extraTrailers: { 'Bad Key': 'x' } }))).toThrow(/trailer key/);
  });
});

describe('formatSubject', () => {
  it('names as many intents as fit and counts the rest', () => {
    const ids = Array.from({ length: 12 }, (_, index) => `intent-number-${index}`);
    const subject = formatSubject(ids);
    expect(subject.length).toBeLessThanOrEqual(SUBJECT_MAX_CHARS);
    expect(subject).toMatch(/^ainative: build intent-number-0, intent-number-1 and 10 more$/);
  });

  it('cuts a single overlong id but keeps the count', () => {
    const subject = formatSubject(['x'.repeat(100), 'y']);
    expect(subject.length).toBe(SUBJECT_MAX_CHARS);
    expect(subject).toMatch(/^ainative: build x+… and 1 more$/);
  });
});
