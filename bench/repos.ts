// Synthetic repos for the scenarios: the test suite's temp repo (`git init -b main`, intents and tests, no
// package.json, committed), made inside the bench's one temp folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTempRepo, type TempRepo } from '../test/helpers/temp-repo.js';

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

/** A git repo holding `files`, committed, in the sub-folder `name` of `space` (removed with it). */
export async function createRepo(space: TempSpace, name: string, files: Record<string, string>): Promise<TempRepo> {
  return createTempRepo(files, { root: await space.dir(name), commit: true });
}

/** Puts the work tree back to the last commit, removing everything untracked (built modules, lock, cache). */
export async function resetRepo(repo: TempRepo): Promise<void> {
  await repo.git.raw(['reset', '-q', '--hard']);
  await repo.git.raw(['clean', '-q', '-fdx']);
}
