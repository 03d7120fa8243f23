import type { Intent } from './intent.js';
import { ISOLATIONS } from './isolation.js';

/** The stat fields a file's stamp is made of, as node's fs.Stats gives them (times in milliseconds, with fractions). */
export interface FileStat {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

/**
 * What ainative remembers about a file between runs, like git's index: the file's stat stamp, the sha256 of its text
 * (LF line endings), and for an intent file the intent parsed from that text. While the stamp is unchanged the file
 * is trusted to be unchanged, so a no-op build stats files instead of reading, hashing and parsing them.
 */
export interface IndexEntry extends FileStat {
  sha256: string;
  intent?: Intent;
}

/** Bumped when the file's layout or what an entry means changes; a file of another format is ignored. */
const FILE_INDEX_FORMAT = 1;

/** Whose entries these are: an index written by another ainative version or for another project root is ignored. */
export interface FileIndexOwner {
  version: string;
  root: string;
}

/**
 * Whether the file still has the stamp recorded in `entry`: device, inode, size, mtime and ctime. ctime cannot be set
 * by a program, so an edit that keeps the size and puts the old mtime back (`touch -d`, `cp -p`, rsync) still
 * changes the stamp; a file replaced by a rename changes its inode.
 */
export function sameStamp(entry: FileStat, stat: FileStat): boolean {
  return (
    entry.mtimeMs === stat.mtimeMs &&
    entry.ctimeMs === stat.ctimeMs &&
    entry.size === stat.size &&
    entry.ino === stat.ino &&
    entry.dev === stat.dev
  );
}

/**
 * Whether an entry may be kept for later runs. `sinceMs` is a file-system timestamp taken before the file was read.
 * A file whose mtime or ctime is not older than that could have been changed again after the read within the same
 * timestamp tick, keeping its stamp: git calls such an entry racily clean and checks its content next time; this
 * index does not keep it at all, so the next run reads the file again (and keeps it then, its times being past).
 * Any change after the read gets times at or after `sinceMs`, so a kept entry's stamp can never match it.
 */
export function isSettled(stat: FileStat, sinceMs: number): boolean {
  return stat.mtimeMs < sinceMs && stat.ctimeMs < sinceMs;
}

/** The index file's text: the owner, then per repo-relative path [dev, ino, size, mtimeMs, ctimeMs, sha256, intent?]. */
export function serializeFileIndex(owner: FileIndexOwner, entries: Map<string, IndexEntry>): string {
  const files: Record<string, unknown[]> = {};
  for (const [path, entry] of entries) {
    const row: unknown[] = [entry.dev, entry.ino, entry.size, entry.mtimeMs, entry.ctimeMs, entry.sha256];
    files[path] = entry.intent ? [...row, entry.intent] : row;
  }
  return JSON.stringify({ format: FILE_INDEX_FORMAT, version: owner.version, root: owner.root, files });
}

/** Parses an index file; undefined when it is not one this version wrote for this root, or is damaged in any way. */
export function parseFileIndex(text: string, owner: FileIndexOwner): Map<string, IndexEntry> | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const record = data as { format?: unknown; version?: unknown; root?: unknown; files?: unknown };
  if (typeof record !== 'object' || record === null || record.format !== FILE_INDEX_FORMAT) return undefined;
  if (record.version !== owner.version || record.root !== owner.root) return undefined;
  if (typeof record.files !== 'object' || record.files === null || Array.isArray(record.files)) return undefined;
  const entries = new Map<string, IndexEntry>();
  for (const path in record.files) {
    const entry = toEntry((record.files as Record<string, unknown>)[path]);
    if (!entry || (entry.intent && entry.intent.file !== path)) return undefined;
    entries.set(path, entry);
  }
  return entries;
}

function toEntry(value: unknown): IndexEntry | undefined {
  if (!Array.isArray(value) || value.length < 6 || value.length > 7) return undefined;
  const [dev, ino, size, mtimeMs, ctimeMs, sha256, intent] = value as unknown[];
  if (
    typeof dev !== 'number' ||
    typeof ino !== 'number' ||
    typeof size !== 'number' ||
    typeof mtimeMs !== 'number' ||
    typeof ctimeMs !== 'number'
  )
    return undefined;
  if (typeof sha256 !== 'string' || sha256.length !== 64) return undefined;
  const entry: IndexEntry = { dev, ino, size, mtimeMs, ctimeMs, sha256 };
  if (value.length === 6) return entry;
  if (!isIntent(intent)) return undefined;
  entry.intent = intent;
  return entry;
}

const STRING_KEYS = ['id', 'file', 'module', 'body', 'text'] as const;
const LIST_KEYS = ['tests', 'uses', 'exports', 'holdout', 'allow'] as const;

/** The shape parseIntent produces; anything else in an index file means the file is damaged. */
function isIntent(value: unknown): value is Intent {
  if (typeof value !== 'object' || value === null) return false;
  const intent = value as Record<string, unknown>;
  for (const key of STRING_KEYS) if (typeof intent[key] !== 'string') return false;
  for (const key of LIST_KEYS) if (!isStringList(intent[key])) return false;
  return ISOLATIONS.includes(intent.isolation as Intent['isolation']) && intent.regressions === undefined;
}

function isStringList(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (typeof item !== 'string') return false;
  return true;
}
