import { sameStamp, type FileStat } from '../project/file-index.js';

/**
 * A file a verdict was made from, with its stamp then: [path] when it did not exist, else
 * [path, dev, ino, size, mtimeMs, ctimeMs]. Kept as the rows of the record file: a no-op build compares thousands
 * of them once and is done, and building an object per row costs it more than the comparison.
 */
export type StampedFile = [path: string] | [path: string, dev: number, ino: number, size: number, mtimeMs: number, ctimeMs: number];

/** What a verdict was made from besides files: a different value of any of these may change it. */
export interface FreshContext {
  version: string;
  root: string;
  intentsDir: string;
  model: string;
  promptHash: string;
}

/**
 * The last time every intent was found fresh: the context, the intent files there were, every file the verdict read
 * or looked for (intents, tests, modules, used modules, regression tests, the lock) with its stamp, and the intents
 * in build order. While all of that is unchanged, every intent is still fresh: a no-op build stats those files and
 * stops, without loading the project. Written only from stamps the file index trusts (see isSettled), and only when
 * no used module's API had to be extracted (that reads files the record does not stamp).
 */
export interface FreshRecord extends FreshContext {
  intentFiles: string[];
  files: StampedFile[];
  intents: Array<{ id: string; module: string }>;
}

/** Bumped when the file's layout or meaning changes; a file of another format is ignored. */
const FRESH_RECORD_FORMAT = 1;

const CONTEXT_KEYS = ['version', 'root', 'intentsDir', 'model', 'promptHash'] as const;

/** Whether every intent is still fresh: the same context and intent files, and every file with its recorded stamp (or still missing). */
export function stillFresh(
  record: FreshRecord,
  context: FreshContext,
  intentFiles: string[],
  statOf: (path: string) => FileStat | undefined,
): boolean {
  if (CONTEXT_KEYS.some((key) => record[key] !== context[key])) return false;
  if (record.intentFiles.length !== intentFiles.length || record.intentFiles.some((file, i) => file !== intentFiles[i])) return false;
  for (const row of record.files) if (!rowHolds(row, statOf)) return false;
  return true;
}

/** A file's row, from its stat; none: the file does not exist. */
export function stampedFile(path: string, stat: FileStat | undefined): StampedFile {
  return stat ? [path, stat.dev, stat.ino, stat.size, stat.mtimeMs, stat.ctimeMs] : [path];
}

/** Whether the file still has the row's stamp, or is still missing. A row of any other shape never holds (the file is damaged). */
function rowHolds(row: StampedFile, statOf: (path: string) => FileStat | undefined): boolean {
  if (!Array.isArray(row) || typeof row[0] !== 'string') return false;
  const stat = statOf(row[0]);
  if (row.length === 1) return stat === undefined;
  if (row.length !== 6 || stat === undefined) return false;
  const [, dev, ino, size, mtimeMs, ctimeMs] = row;
  return sameStamp({ dev, ino, size, mtimeMs, ctimeMs }, stat);
}

/** The record file's text; intents as [id, module]. */
export function serializeFreshRecord(record: FreshRecord): string {
  const context = Object.fromEntries(CONTEXT_KEYS.map((key) => [key, record[key]]));
  return JSON.stringify({
    format: FRESH_RECORD_FORMAT,
    ...context,
    intentFiles: record.intentFiles,
    files: record.files,
    intents: record.intents.map((intent) => [intent.id, intent.module]),
  });
}

/** Parses a record file; undefined when it is of another format or damaged (a damaged file row is found by stillFresh). */
export function parseFreshRecord(text: string): FreshRecord | undefined {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null || data.format !== FRESH_RECORD_FORMAT) return undefined;
  if (!CONTEXT_KEYS.every((key) => typeof data[key] === 'string')) return undefined;
  const { intentFiles, files, intents } = data;
  if (!isStringList(intentFiles) || !Array.isArray(files) || !Array.isArray(intents)) return undefined;
  const pairs = intents.map((pair: unknown) => (isStringList(pair) && pair.length === 2 ? { id: pair[0]!, module: pair[1]! } : undefined));
  if (pairs.includes(undefined)) return undefined;
  const context = Object.fromEntries(CONTEXT_KEYS.map((key) => [key, data[key] as string])) as unknown as FreshContext;
  return { ...context, intentFiles, files: files as StampedFile[], intents: pairs as FreshRecord['intents'] };
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
