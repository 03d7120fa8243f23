import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';

/** A throwaway git repo for one test. */
export interface TempRepo {
  root: string;
  git: SimpleGit;
  write(path: string, content: string): Promise<void>;
  /** File text, or undefined when it does not exist. */
  read(path: string): Promise<string | undefined>;
  remove(path: string): Promise<void>;
  /** Stages everything and commits. */
  commit(message?: string): Promise<void>;
  cleanup(): void;
}

/** Creates `git init -b main` in a temp dir with the given files (not committed unless asked). Kept when AINATIVE_KEEP_TMP=1. */
export async function createTempRepo(files: Record<string, string> = {}, options: { commit?: boolean } = {}): Promise<TempRepo> {
  const root = mkdtempSync(join(tmpdir(), 'ainative-e2e-'));
  const git = simpleGit({ baseDir: root });
  await git.init(['-b', 'main']);
  await git.addConfig('user.name', 'ainative tests');
  await git.addConfig('user.email', 'tests@ainative.invalid');
  await git.addConfig('commit.gpgsign', 'false');
  const repo: TempRepo = {
    root,
    git,
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
    async commit(message = 'test fixture') {
      await git.add(['-A']);
      await git.commit(message);
    },
    cleanup() {
      if (process.env.AINATIVE_KEEP_TMP === '1') {
        process.stderr.write(`kept temp repo: ${root}\n`);
        return;
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
  for (const [path, content] of Object.entries(files)) await repo.write(path, content);
  if (options.commit) await repo.commit();
  return repo;
}
