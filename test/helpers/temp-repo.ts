import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { simpleGit, type SimpleGit } from 'simple-git';

/** A throwaway folder for one test. */
export interface TempDir {
  root: string;
  write(path: string, content: string): Promise<void>;
  /** File text, or undefined when it does not exist. */
  read(path: string): Promise<string | undefined>;
  remove(path: string): Promise<void>;
  /** Removes the folder, unless AINATIVE_KEEP_TMP=1 asks to keep it. */
  cleanup(): void;
}

/** A throwaway git repo for one test (or one bench scenario). */
export interface TempRepo extends TempDir {
  git: SimpleGit;
  /** Stages everything and commits. */
  commit(message?: string): Promise<void>;
}

export interface TempRepoOptions {
  /** Commit the files (message: "test fixture"). */
  commit?: boolean;
  /** The folder to make the repo in, created when missing, instead of a new one under the temp dir. */
  root?: string;
}

/** Creates `git init -b main` in a temp dir with the given files (not committed unless asked). Kept when AINATIVE_KEEP_TMP=1. */
export async function createTempRepo(files: Record<string, string> = {}, options: TempRepoOptions = {}): Promise<TempRepo> {
  const root = options.root ?? newTempDir('ainative-e2e-');
  if (options.root) mkdirSync(root, { recursive: true });
  const repo = openTempRepo(root);
  await repo.git.init(['-b', 'main']);
  // A local identity and no signing: the machine's git setup can neither be required nor get in the way.
  await repo.git.addConfig('user.name', 'ainative tests');
  await repo.git.addConfig('user.email', 'tests@ainative.invalid');
  await repo.git.addConfig('commit.gpgsign', 'false');
  for (const [path, content] of Object.entries(files)) await repo.write(path, content);
  if (options.commit) await repo.commit();
  return repo;
}

/** A `git clone` of `source` in a new temp dir: what a fresh checkout (a teammate, CI) gets, with no local git identity. */
export async function cloneTempRepo(source: TempRepo): Promise<TempRepo> {
  const root = newTempDir('ainative-clone-');
  await simpleGit().clone(source.root, root);
  return openTempRepo(root);
}

/** A byte-for-byte copy of `source`'s folder (its .git, untracked and ignored files included) in a new temp dir. */
export function copyTempRepo(source: TempRepo): TempRepo {
  const root = newTempDir('ainative-copy-');
  cpSync(source.root, root, { recursive: true });
  return openTempRepo(root);
}

/** What a user's `git commit` did. */
export interface UserCommitResult {
  exitCode: number | undefined;
  stderr: string;
  /** stdout and stderr interleaved, as the user's terminal shows them. */
  all: string;
}

/**
 * `git commit -m <message>` in `repo` as a user runs it, hooks and all, with the outer environment plus `env`. execa,
 * not simple-git: the hooks need that environment, which may hold EDITOR, PAGER or GIT_* settings that simple-git
 * refuses to spawn with, and the tests judge git's own exit code and output rather than a thrown GitError.
 */
export async function commitAsUser(repo: TempRepo, message: string, env: Record<string, string>): Promise<UserCommitResult> {
  const result = await execa('git', ['commit', '-m', message], { cwd: repo.root, env, reject: false, all: true });
  return { exitCode: result.exitCode, stderr: result.stderr, all: result.all ?? '' };
}

/** A temp folder (no git) holding `files`: a project as the adapters that only read files see it. */
export function createTempDir(files: Record<string, string> = {}): TempDir {
  const root = newTempDir('ainative-dir-');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return openTempDir(root);
}

function newTempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The TempRepo view of the repo at `root`. */
function openTempRepo(root: string): TempRepo {
  const git = simpleGit({ baseDir: root });
  return {
    ...openTempDir(root),
    git,
    async commit(message = 'test fixture') {
      await git.add(['-A']);
      await git.commit(message);
    },
  };
}

/** The TempDir view of the folder at `root`. */
function openTempDir(root: string): TempDir {
  return {
    root,
    async write(path, content) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), content);
    },
    async read(path) {
      return readFile(join(root, path), 'utf8').catch(() => undefined);
    },
    async remove(path) {
      await rm(join(root, path), { force: true });
    },
    cleanup() {
      if (process.env.AINATIVE_KEEP_TMP === '1') {
        process.stderr.write(`kept temp folder: ${root}\n`);
        return;
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
