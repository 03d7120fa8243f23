import { mkdir, open, readFile, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, posix, sep } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { RefusalError } from '../../core/errors.js';
import type { Workspace } from '../../core/ports.js';

/** Records what a build is about to change in the repo, so a build killed hard can be undone by the next one. */
export interface Journal {
  /** Records the original state of `path` (repo-relative) once, before its first change in this build. */
  remember(path: string): Promise<void>;
  /** The build finished cleanly: drop the journal. */
  commit(): Promise<void>;
}

/** A repo file before the build: its bytes in `blob`, or absent (and `createdDir`, the topmost folder missing too). */
interface JournalEntry {
  path: string;
  blob?: string;
  mode?: number;
  createdDir?: string;
}

interface JournalIndex {
  version: 1;
  entries: JournalEntry[];
}

const INDEX_FILE = 'index.json';

/** Starts an empty journal in `journalDir` (in the git dir) for the repo at `root`; recover any leftover first. */
export async function openJournal(journalDir: string, root: string): Promise<Journal> {
  const indexPath = join(journalDir, INDEX_FILE);
  if (await pathExists(indexPath)) {
    throw new Error(`an earlier build's journal is still at ${indexPath}: run recoverJournal before openJournal`);
  }
  await rm(journalDir, { recursive: true, force: true }); // blobs of a build that died before writing its index
  await mkdir(journalDir, { recursive: true });
  const index: JournalIndex = { version: 1, entries: [] };
  const remembered = new Map<string, Promise<void>>();
  let queue: Promise<unknown> = Promise.resolve();
  let committed = false;
  let waiting: string[] = [];
  let nextGroup: Promise<void> | undefined;
  let blobs = 0;
  /**
   * Group commit: the paths asked for while an index write is in progress are recorded together by the next one, so
   * intents built in parallel do not each wait for an fsync'd index write of their own before their first candidate.
   * Each index write includes every earlier entry.
   */
  const inNextGroup = (path: string): Promise<void> => {
    waiting.push(path);
    if (!nextGroup) {
      nextGroup = queue.then(() => {
        const paths = waiting;
        waiting = [];
        nextGroup = undefined;
        return recordAll(paths);
      });
      queue = nextGroup.catch(() => {});
    }
    return nextGroup;
  };

  const recordAll = async (paths: string[]) => {
    const entries = await Promise.all(paths.map(entryFor));
    index.entries.push(...entries);
    await writeFileAtomic(indexPath, `${JSON.stringify(index, null, 2)}\n`);
    await fsyncDir(journalDir); // the index must be on disk before the repo files change
  };

  const entryFor = async (path: string): Promise<JournalEntry> => {
    const abs = join(root, path);
    const original = await readIfExists(abs);
    const entry: JournalEntry = { path };
    if (original) {
      entry.blob = `${++blobs}.blob`;
      entry.mode = (await stat(abs)).mode & 0o7777;
      await writeFileAtomic(join(journalDir, entry.blob), original);
    } else {
      entry.createdDir = await topmostMissingDir(root, path);
    }
    return entry;
  };

  return {
    async remember(path) {
      if (committed) throw new Error(`journal already committed; cannot remember ${path}`);
      const key = toRepoPath(path);
      let pending = remembered.get(key);
      if (!pending) {
        pending = inNextGroup(key);
        remembered.set(key, pending);
        pending.catch(() => remembered.delete(key)); // let a later write try again
      }
      return pending;
    },
    async commit() {
      committed = true;
      await queue;
      // Removing the index is the commit point; the blobs are garbage from then on.
      await rm(indexPath, { force: true });
      await fsyncDir(journalDir);
      await rm(journalDir, { recursive: true, force: true });
    },
  };
}

/** Restores every file recorded by a journal left behind by a dead build; returns the paths restored. */
export async function recoverJournal(journalDir: string, root: string): Promise<string[]> {
  const indexPath = join(journalDir, INDEX_FILE);
  const index = await readIndex(indexPath);
  if (!index) {
    await rm(journalDir, { recursive: true, force: true });
    return [];
  }
  // Load every blob before touching the repo, so a damaged journal changes nothing.
  const originals = await Promise.all(index.entries.map((entry) => loadOriginal(journalDir, indexPath, entry)));
  const restored: string[] = [];
  for (const [i, entry] of index.entries.entries()) {
    if (await restoreEntry(root, entry, originals[i])) restored.push(entry.path);
  }
  // Until the index is gone a second recovery redoes the same restores, which is harmless.
  await rm(indexPath, { force: true });
  await rm(journalDir, { recursive: true, force: true });
  return restored;
}

/** Wraps a workspace so every write or remove is journaled first. */
export function journaledWorkspace(inner: Workspace, journal: Journal): Workspace {
  return {
    read: (path) => inner.read(path),
    exists: (path) => inner.exists(path),
    async write(path, content) {
      await journal.remember(path);
      await inner.write(path, content);
    },
    async remove(path) {
      await journal.remember(path);
      await inner.remove(path);
    },
  };
}

/** Puts one file back; true when it differed from its original. */
async function restoreEntry(root: string, entry: JournalEntry, original: Buffer | undefined): Promise<boolean> {
  const abs = join(root, entry.path);
  const current = await readIfExists(abs);
  if (original) {
    if (current?.equals(original)) return false;
    await mkdir(dirname(abs), { recursive: true });
    await writeFileAtomic(abs, original, { mode: entry.mode });
    return true;
  }
  if (current) await rm(abs, { force: true });
  if (entry.createdDir) await removeEmptyDirs(root, dirname(entry.path), entry.createdDir);
  return current !== undefined;
}

async function loadOriginal(journalDir: string, indexPath: string, entry: JournalEntry): Promise<Buffer | undefined> {
  if (entry.blob === undefined) return undefined;
  try {
    return await readFile(join(journalDir, entry.blob));
  } catch (error) {
    throw new RefusalError(
      `the crash journal ${indexPath} names ${entry.blob} for ${entry.path}, which cannot be read; restore ${entry.path} by hand (git) and delete ${journalDir}`,
      { cause: error },
    );
  }
}

async function readIndex(indexPath: string): Promise<JournalIndex | undefined> {
  let text: string;
  try {
    text = await readFile(indexPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const index = JSON.parse(text) as JournalIndex;
    if (index.version !== 1 || !Array.isArray(index.entries)) throw new Error('unknown journal format');
    for (const entry of index.entries) {
      toRepoPath(entry.path);
      if (entry.createdDir !== undefined) toRepoPath(entry.createdDir);
      if (entry.blob !== undefined && !/^\d+\.blob$/.test(entry.blob)) throw new Error(`bad blob name ${entry.blob}`);
    }
    return index;
  } catch (error) {
    throw new RefusalError(
      `the crash journal ${indexPath} is unreadable; check the repo with git status and delete ${dirname(indexPath)}`,
      { cause: error },
    );
  }
}

/** Normalizes a repo-relative path; one that is absolute or leaves the repo is a bug in the caller. */
function toRepoPath(path: string): string {
  const normalized = posix.normalize(String(path).split(sep).join('/'));
  if (isAbsolute(normalized) || normalized === '.' || normalized === '..' || normalized.startsWith('../')) {
    throw new Error(`not a repo-relative file path: ${path}`);
  }
  return normalized;
}

/** The topmost folder on the way to `path` that does not exist yet, repo-relative. */
async function topmostMissingDir(root: string, path: string): Promise<string | undefined> {
  let missing: string | undefined;
  for (let dir = posix.dirname(path); dir !== '.'; dir = posix.dirname(dir)) {
    if (await pathExists(join(root, dir))) break;
    missing = dir;
  }
  return missing;
}

/** Removes `dir` and its parents up to and including `topmost` while they are empty. */
async function removeEmptyDirs(root: string, dir: string, topmost: string): Promise<void> {
  for (let d = dir; d === topmost || d.startsWith(`${topmost}/`); d = posix.dirname(d)) {
    try {
      await rmdir(join(root, d));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return; // not empty: something else lives there now
    }
  }
}

async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function pathExists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Makes renames in `dir` durable; not possible on every platform, where it is skipped. */
async function fsyncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows cannot open a directory for fsync; its renames are durable enough there.
  }
}
