import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';

/**
 * ainative's own state inside the repo's git dir, never in the work tree nor committed: the build lock, the crash
 * journal, the build transcripts and the file index live here. Per git dir, so every worktree has its own.
 */
function stateDirIn(gitDir: string): string {
  return join(gitDir, 'ainative');
}

/** The state dir of the work tree whose top is `gitRoot`, as git finds it (git is loaded only here, not by the no-op path). */
export async function stateDirOf(gitRoot: string): Promise<string> {
  const { findGitDir } = await import('../git/worktree.js');
  return stateDirIn(await findGitDir(gitRoot));
}

/** The state dir of the work tree whose top is `gitRoot`, found on disk; undefined when its git dir cannot be. */
export function stateDirOnDisk(gitRoot: string): string | undefined {
  const gitDir = gitDirOnDisk(gitRoot);
  return gitDir === undefined ? undefined : stateDirIn(gitDir);
}

/** The file index of the project at `root` (one per project root: a repo may hold several projects). */
export function fileIndexPath(stateDir: string, root: string): string {
  return join(stateDir, `file-index-${rootId(root)}.json`);
}

/** The record of the project's last all-fresh verdict (see core/build/fresh-record.ts). */
export function freshRecordPath(stateDir: string, root: string): string {
  return join(stateDir, `fresh-${rootId(root)}.json`);
}

function rootId(root: string): string {
  return createHash('sha256').update(root).digest('hex').slice(0, 12);
}

/**
 * Replaces a state file by rename, so a reader sees the old file or the new one, never half of one. Never throws:
 * these files only save time, and a failure to write one must not fail the command.
 */
export function writeStateFile(file: string, text: string): void {
  const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temp, text);
    renameSync(temp, file);
  } catch {
    try {
      unlinkSync(temp);
    } catch {
      // nothing was written
    }
  }
}

/**
 * The git dir of the work tree whose top is `gitRoot`, read from disk without spawning git: `.git` itself, or the
 * folder a `.git` file points to (`gitdir: …`, as in linked worktrees and submodules). Undefined when neither holds.
 */
function gitDirOnDisk(gitRoot: string): string | undefined {
  const dotGit = join(gitRoot, '.git');
  const stat = statSync(dotGit, { throwIfNoEntry: false });
  if (!stat) return undefined;
  if (stat.isDirectory()) return dotGit;
  const pointer = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, 'utf8'))?.[1];
  if (!pointer) return undefined;
  return isAbsolute(pointer) ? pointer : join(gitRoot, pointer);
}
