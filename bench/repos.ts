// Synthetic repos for the scenarios: a temp folder, `git init`, intents and tests, no package.json.
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnOk } from './spawn.js';

/** One temp folder per bench run, removed at the end whatever happens. */
export class TempSpace {
  readonly base = mkdtempSync(path.join(tmpdir(), 'ainative-bench-'));

  /** A fresh, empty sub-folder. */
  async dir(name: string): Promise<string> {
    const dir = path.join(this.base, name);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  cleanup(): void {
    rmSync(this.base, { recursive: true, force: true });
  }
}

/** A git repo holding `files`, committed. */
export async function createRepo(space: TempSpace, name: string, files: Record<string, string>): Promise<string> {
  const root = await space.dir(name);
  await git(root, 'init', '-q', '-b', 'main');
  await git(root, 'config', 'user.name', 'ainative bench');
  await git(root, 'config', 'user.email', 'bench@ainative.invalid');
  await git(root, 'config', 'commit.gpgsign', 'false');
  await writeFiles(root, files);
  await commitAll(root, 'bench fixture');
  return root;
}

/** Writes files under `root`, creating folders. */
async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), content);
  }
}

/** Stages everything and commits. */
export async function commitAll(root: string, message: string): Promise<void> {
  await git(root, 'add', '-A');
  await git(root, 'commit', '-q', '-m', message);
}

/** Puts the work tree back to the last commit, removing everything untracked (built modules, lock, cache). */
export async function resetRepo(root: string): Promise<void> {
  await git(root, 'reset', '-q', '--hard');
  await git(root, 'clean', '-q', '-fdx');
}

async function git(cwd: string, ...args: string[]): Promise<void> {
  await spawnOk('git', args, { cwd, timeoutMs: 30_000 });
}
