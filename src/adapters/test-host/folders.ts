// The runner's private folder in the system temp folder, and the sweep of folders left by runners whose ainative
// process was killed before it could remove them.
import { mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const PREFIX = 'ainative-sandbox-';
/** Holds the pid of the ainative process that owns the folder. */
const OWNER_FILE = 'owner.pid';

/**
 * `scratch/` (TMPDIR, the only writable place in the sandbox), `empty` (mounted over hidden files) and the test
 * threads' compile cache, inside scratch so the sandbox lets Node write it, and off limits to code under test: code
 * planted there would run in the judge's next threads.
 */
export interface Folders {
  base: string;
  scratch: string;
  empty: string;
  compileCache: string;
}

/** Creates the folders outside any repo, after removing those of dead owners. */
export async function makeFolders(): Promise<Folders> {
  const tmp = realpathSync(os.tmpdir());
  sweepStaleFolders(tmp);
  const base = await mkdtemp(path.join(tmp, PREFIX));
  writeFileSync(path.join(base, OWNER_FILE), String(process.pid));
  const scratch = path.join(base, 'scratch');
  const folders = { base, scratch, empty: path.join(base, 'empty'), compileCache: path.join(scratch, '.node-compile-cache') };
  resetScratch(folders);
  writeFileSync(folders.empty, '', { mode: 0o444 });
  return folders;
}

/** A fresh scratch folder with an empty home inside (the home of unsandboxed hosts). */
export function resetScratch(folders: Folders): void {
  rmSync(folders.scratch, { recursive: true, force: true });
  mkdirSync(path.join(folders.scratch, 'home'), { recursive: true });
}

/** Removes the runner folders in `tmp` whose owner process no longer runs (ainative was SIGKILLed). */
export function sweepStaleFolders(tmp: string): void {
  for (const name of safeReaddir(tmp)) {
    if (!name.startsWith(PREFIX)) continue;
    const owner = readOwner(path.join(tmp, name));
    if (owner === undefined || isRunning(owner)) continue;
    try {
      rmSync(path.join(tmp, name), { recursive: true, force: true });
    } catch {
      // Another user's folder, or already being removed: not ours to insist on.
    }
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function readOwner(base: string): number | undefined {
  try {
    const pid = Number(readFileSync(path.join(base, OWNER_FILE), 'utf8'));
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    // No owner file: not ours to judge (or still being created).
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
