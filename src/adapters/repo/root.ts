import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The top of the git work tree containing `cwd` (the nearest folder holding `.git`, a folder or a worktree's
 * file), or undefined outside one. Found on disk rather than by spawning git: every command starts here.
 */
export async function findRepoRoot(cwd: string): Promise<string | undefined> {
  for (let dir = realpathSync(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
