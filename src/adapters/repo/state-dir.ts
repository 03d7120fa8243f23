import { join } from 'node:path';
import { findGitDir } from '../git/worktree.js';

/**
 * Where ainative keeps what must never be committed nor reach the work tree: `<git dir>/ainative` holds the build
 * lock, the crash journal and the build transcripts.
 */
export async function stateDirOf(gitRoot: string): Promise<string> {
  return join(await findGitDir(gitRoot), 'ainative');
}
