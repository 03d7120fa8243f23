import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { contentHash } from '../../core/project/content-hash.js';
import {
  isSettled,
  parseFileIndex,
  sameStamp,
  serializeFileIndex,
  type FileIndexOwner,
  type FileStat,
  type IndexEntry,
} from '../../core/project/file-index.js';
import type { Intent } from '../../core/project/intent.js';
import { stampedFile, type StampedFile } from '../../core/build/fresh-record.js';
import { fileIndexPath, writeStateFile } from './state-dir.js';

/** The project's files as the staleness check sees them: existence, hashes and parsed intents, each file statted once a run. */
export interface ProjectFiles {
  /** Whether `path` exists, as existsSync says. */
  exists(path: string): boolean;
  /** sha256 of the file's text with LF line endings, undefined when it is missing; read only when its stamp changed. */
  hash(path: string): string | undefined;
  /** The intent parsed from `path` in an earlier run, while the file is unchanged since. */
  cachedIntent(path: string): Intent | undefined;
  /** The file's text, read this run (the hash given for it is of this text); undefined when it is missing. */
  text(path: string): string | undefined;
  /** Remembers the intent parsed from what `text(path)` returned. */
  keepIntent(path: string, intent: Intent): void;
  /**
   * Every file looked at this run with its stamp (none for a missing file), for a verdict made from them; undefined
   * when any file read this run was read too soon after a change to trust its stamp, or could not be looked at.
   */
  settledFiles(): StampedFile[] | undefined;
  /** Writes what this run learnt to the index when it differs; never throws, as the index only saves time. */
  save(): void;
}

export interface FileIndexOptions {
  /** The project root; paths are relative to it. */
  root: string;
  /** ainative's state dir (in the git dir), where the index lives; without one every file is read and nothing is kept. */
  stateDir: string | undefined;
  /** ainative's version: an index written by another version is ignored. */
  version: string;
  /** The file system's clock in ms, read before the first file is read (see isSettled); by default from a file created in `stateDir`. */
  fileSystemNowMs?: (stateDir: string) => number | undefined;
}

/** The project's files read and hashed afresh, with no index: what `ainative check` judges by. */
export function unindexedFiles(root: string): ProjectFiles {
  return openFileIndex({ root, stateDir: undefined, version: '' });
}

/** The project's files through the index in `stateDir` (see core/project/file-index.ts for what is trusted and why). */
export function openFileIndex(options: FileIndexOptions): ProjectFiles {
  return new IndexedFiles(options);
}

/** A file as this run found it: trusted from the index, changed since (to be read), or missing. */
type Seen = IndexEntry | 'changed' | 'missing';

class IndexedFiles implements ProjectFiles {
  private readonly root: string;
  private readonly stateDir: string | undefined;
  private readonly fileSystemNowMs: (stateDir: string) => number | undefined;
  private readonly owner: FileIndexOwner;
  private readonly indexFile: string | undefined;
  private readonly previous: Map<string, IndexEntry>;
  // One stat per path per run, and no Stats object kept: thousands of them cost more in garbage collection than in stat calls.
  private readonly seen = new Map<string, Seen>();
  /** Texts read this run; their entries are kept only once settled. */
  private readonly texts = new Map<string, string>();
  /** Stamps of files that changed since the index was written but were only looked for, never read. */
  private readonly unread = new Map<string, FileStat>();
  private sinceMs: number | undefined;
  private sinceTaken = false;
  private uncertain = false;

  constructor(options: FileIndexOptions) {
    this.root = options.root;
    this.stateDir = options.stateDir;
    this.fileSystemNowMs = options.fileSystemNowMs ?? fileSystemNowMs;
    this.owner = { version: options.version, root: options.root };
    this.indexFile = options.stateDir === undefined ? undefined : fileIndexPath(options.stateDir, options.root);
    this.previous = (this.indexFile && loadIndex(this.indexFile, this.owner)) || new Map();
  }

  exists(path: string): boolean {
    try {
      return this.look(path) !== 'missing';
    } catch {
      this.uncertain = true;
      return false;
    }
  }

  hash(path: string): string | undefined {
    return this.entryOf(path)?.sha256;
  }

  cachedIntent(path: string): Intent | undefined {
    return this.texts.has(path) ? undefined : this.entryOf(path)?.intent;
  }

  text(path: string): string | undefined {
    if (!this.texts.has(path)) this.readNow(path);
    return this.texts.get(path);
  }

  keepIntent(path: string, intent: Intent): void {
    const found = this.seen.get(path);
    if (typeof found === 'object') found.intent = intent;
  }

  settledFiles(): StampedFile[] | undefined {
    if (this.uncertain) return undefined;
    const files: StampedFile[] = [];
    for (const [path, found] of this.seen) {
      // A file only looked for counts by its existence, which any stamp of it records.
      if (found === 'changed') files.push(stampedFile(path, this.unread.get(path)));
      else if (found === 'missing' || this.settled(path, found)) files.push(stampedFile(path, found === 'missing' ? undefined : found));
      else return undefined;
    }
    return files;
  }

  save(): void {
    if (this.indexFile === undefined || (this.texts.size > 0 && this.sinceMs === undefined)) return;
    const entries = kept(this.previous, this.seen, (path, entry) => this.settled(path, entry), this.root);
    if (!sameEntries(this.previous, entries)) writeStateFile(this.indexFile, serializeFileIndex(this.owner, entries));
  }

  private settled(path: string, entry: IndexEntry): boolean {
    return !this.texts.has(path) || (this.sinceMs !== undefined && isSettled(entry, this.sinceMs));
  }

  private look(path: string): Seen {
    let found = this.seen.get(path);
    if (found === undefined) {
      // Joined by hand: path.join on thousands of repo-relative paths costs as much as the stats.
      const stat = statSync(`${this.root}/${path}`, { throwIfNoEntry: false });
      const known = this.previous.get(path);
      found = !stat ? 'missing' : known && sameStamp(known, stat) ? known : 'changed';
      if (stat && found === 'changed')
        this.unread.set(path, { dev: stat.dev, ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs });
      this.seen.set(path, found);
    }
    return found;
  }

  private entryOf(path: string): IndexEntry | undefined {
    const found = this.look(path);
    return found === 'missing' ? undefined : found === 'changed' ? this.readNow(path) : found;
  }

  private readNow(path: string): IndexEntry | undefined {
    if (!this.sinceTaken) {
      this.sinceTaken = true;
      this.sinceMs = this.stateDir === undefined ? undefined : this.fileSystemNowMs(this.stateDir);
    }
    const file = readWithStat(`${this.root}/${path}`);
    if (!file) {
      this.seen.set(path, 'missing');
      return undefined;
    }
    const { dev, ino, size, mtimeMs, ctimeMs } = file.stat;
    const entry: IndexEntry = { dev, ino, size, mtimeMs, ctimeMs, sha256: contentHash(file.text) };
    this.seen.set(path, entry);
    this.texts.set(path, file.text);
    return entry;
  }
}

/**
 * What the next run may trust: this run's entries, except files read now whose times are not settled (they are read
 * again next run), and earlier entries this run did not look at, while their file is still there.
 */
function kept(
  previous: Map<string, IndexEntry>,
  seen: Map<string, Seen>,
  settled: (path: string, entry: IndexEntry) => boolean,
  root: string,
): Map<string, IndexEntry> {
  const entries = new Map<string, IndexEntry>();
  for (const [path, found] of seen) if (typeof found === 'object' && settled(path, found)) entries.set(path, found);
  for (const [path, entry] of previous) if (!seen.has(path) && existsSync(join(root, path))) entries.set(path, entry);
  return entries;
}

/** Whether writing `next` would change nothing (a no-op run re-reads only the lock, and finds it as it was). */
function sameEntries(previous: Map<string, IndexEntry>, next: Map<string, IndexEntry>): boolean {
  if (previous.size !== next.size) return false;
  for (const [path, entry] of next) {
    const before = previous.get(path);
    if (before === entry) continue;
    if (
      !before ||
      !sameStamp(before, entry) ||
      before.sha256 !== entry.sha256 ||
      (before.intent === undefined) !== (entry.intent === undefined)
    )
      return false;
  }
  return true;
}

function loadIndex(file: string, owner: FileIndexOwner): Map<string, IndexEntry> | undefined {
  try {
    return parseFileIndex(readFileSync(file, 'utf8'), owner);
  } catch {
    return undefined;
  }
}

/** A file's text and the stat of the very inode it came from; undefined when it does not exist. */
function readWithStat(path: string): { stat: Stats; text: string } | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return { stat: fstatSync(fd), text: readFileSync(fd, 'utf8') };
  } finally {
    closeSync(fd);
  }
}

/**
 * The file system's clock now, read from the times of a file created for the purpose (file times come from the
 * file system, not from this process's clock). Undefined when the state dir cannot be written: nothing is kept then.
 */
function fileSystemNowMs(stateDir: string): number | undefined {
  const probe = join(stateDir, `.clock-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(stateDir, { recursive: true });
    const fd = openSync(probe, 'wx');
    try {
      const stat = fstatSync(fd);
      return Math.min(stat.mtimeMs, stat.ctimeMs);
    } finally {
      closeSync(fd);
      unlinkSync(probe);
    }
  } catch {
    return undefined;
  }
}
