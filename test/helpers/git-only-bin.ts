import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execaSync } from 'execa';

/** The git that PATH finds, as sh's `command -v git` finds it. */
export function gitExecutable(): string {
  return execaSync('sh', ['-c', 'command -v git']).stdout.trim();
}

/** A temp folder holding only a link to git: as PATH, it has no node, npx, ainative or bwrap, as some git GUIs pass. */
export function createGitOnlyBin(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'ainative-git-only-'));
  symlinkSync(gitExecutable(), join(dir, 'git'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
