import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdir, rm, unlink } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { glob, globSync } from 'tinyglobby';
import type { ProtectedFiles, ProtectedSnapshot } from '../../core/ports.js';

/** What one path was: a file's bytes (or, shallow, only its size and time), a symlink's target, a folder, or nothing. */
type Entry =
  | { kind: 'file'; bytes: Buffer | undefined; hash: string }
  | { kind: 'link'; target: string }
  | { kind: 'dir' }
  | { kind: 'none' };

interface Snapshot extends ProtectedSnapshot {
  entries: Map<string, Entry>;
  /** Paths in the watched places (config names, git hooks, top of node_modules) at snapshot time. */
  watched: Set<string>;
}

/** Configuration files whose change would alter how tests run or are judged. */
const CONFIG_PATTERNS = [
  'package.json',
  'package-lock.json',
  'ainative.config.json',
  'ainative.lock',
  '.npmrc',
  'tsconfig*.json',
  'vitest.config.*',
  'vitest.workspace.*',
  'vitest.setup.*',
  'vite.config.*',
];

/** Where else a planted file poisons later builds: git's config and hooks, and what node_modules resolves to. */
export interface WatchedPlaces {
  /** The repo's git dir, absolute (its config and hooks are watched); undefined outside git. */
  gitDir?: string;
}

/** The protected set: the given paths (tests, holdout tests, intents) plus the configuration files present in `root`. */
export async function protectedPaths(root: string, paths: string[]): Promise<string[]> {
  const configs = await glob(CONFIG_PATTERNS, { cwd: root, dot: true, ignore: ['node_modules/**', '.git/**'] });
  return [...new Set([...paths, ...configs])].sort();
}

/**
 * Takes manifests of the protected files and of the places where a new file would change later builds, and puts
 * back whatever changed between two moments: contents byte for byte, new files and links removed. Never writes
 * through a symlink: one planted where a file or folder was is removed first. `globs` are looked up at every
 * snapshot, for files frozen during the build (regression tests).
 */
export function createProtectedFiles(root: string, fixed: string[], globs: string[] = [], places: WatchedPlaces = {}): ProtectedFiles {
  const watchedNow = (): string[] => [
    ...globSync(CONFIG_PATTERNS, { cwd: root, dot: true, ignore: ['node_modules/**', '.git/**'] }),
    ...listed(root, 'node_modules', 2),
    ...(places.gitDir ? [gitPath(root, places.gitDir, 'config'), ...listed(root, gitPath(root, places.gitDir, 'hooks'), 1)] : []),
  ];
  return {
    async snapshot() {
      // Synchronous: the loop posts the test run right after the snapshot and then blocks on the type check.
      const found = globs.length > 0 ? globSync(globs, { cwd: root, dot: true }) : [];
      const watched = new Set(watchedNow());
      const paths = [...new Set([...fixed, ...found, ...watched])];
      const entries = new Map(paths.map((path) => [path, readEntry(join(root, path), isShallow(path))] as const));
      return { paths, entries, watched } satisfies Snapshot;
    },
    async restoreChanged(snapshot) {
      const { entries, watched } = snapshot as Snapshot;
      const changed: string[] = [];
      for (const [path, before] of entries) {
        if (sameEntry(before, readEntry(join(root, path), isShallow(path)))) continue;
        changed.push(path);
        await putBack(root, path, before, entries);
      }
      for (const path of watchedNow()) {
        if (watched.has(path) || entries.has(path)) continue;
        changed.push(path);
        await rm(join(root, path), { recursive: true, force: true });
      }
      return changed;
    },
  };
}

async function putBack(root: string, path: string, before: Entry, entries: Map<string, Entry>): Promise<void> {
  const absolute = join(root, path);
  await removeLinkedParents(root, path, entries);
  const now = readEntry(absolute);
  if (now.kind !== 'none' && (now.kind !== before.kind || now.kind === 'link')) await rm(absolute, { recursive: true, force: true });
  if (before.kind === 'file' && before.bytes) {
    await mkdir(dirname(absolute), { recursive: true });
    // The path holds no symlink any more, so the atomic write replaces the file itself.
    await writeFileAtomic(absolute, before.bytes);
  } else if (before.kind === 'link') {
    const { symlink } = await import('node:fs/promises');
    await symlink(before.target, absolute);
  } else if (before.kind === 'dir') {
    await mkdir(absolute, { recursive: true });
  }
}

/** A folder on the way to `path` that became a symlink since the snapshot would redirect the write: remove it. */
async function removeLinkedParents(root: string, path: string, entries: Map<string, Entry>): Promise<void> {
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++) {
    const parent = parts.slice(0, i).join('/');
    const now = readEntry(join(root, parent));
    if (now.kind === 'link' && entries.get(parent)?.kind !== 'link') await unlink(join(root, parent));
  }
}

/** Installed packages are watched for what is there (planted links, new folders), not read byte for byte. */
function isShallow(path: string): boolean {
  return path.startsWith('node_modules/');
}

function readEntry(path: string, shallow = false): Entry {
  try {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return { kind: 'link', target: readlinkSync(path) };
    if (stat.isDirectory()) return { kind: 'dir' };
    if (shallow) return { kind: 'file', bytes: undefined, hash: `${stat.size}:${stat.mtimeMs}` };
    const bytes = readFileSync(path);
    return { kind: 'file', bytes, hash: sha256(bytes) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return { kind: 'none' };
    throw error;
  }
}

function sameEntry(a: Entry, b: Entry): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'file') return a.hash === (b as typeof a).hash;
  if (a.kind === 'link') return a.target === (b as typeof a).target;
  return true;
}

/** Repo-relative entries of `dir` down to `depth` levels (scoped packages sit one level deeper). */
function listed(root: string, dir: string, depth: number): string[] {
  let names: string[];
  try {
    names = readdirSync(join(root, dir));
  } catch {
    return [];
  }
  const entries = names.map((name) => `${dir}/${name}`);
  if (depth <= 1) return entries;
  return entries.flatMap((entry) => (entry.split('/').pop()!.startsWith('@') ? [entry, ...listed(root, entry, depth - 1)] : [entry]));
}

/** A path in the git dir, relative to the root when it lies inside (a worktree's git dir may not). */
function gitPath(root: string, gitDir: string, name: string): string {
  return relative(root, join(gitDir, name)).split(sep).join('/');
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
