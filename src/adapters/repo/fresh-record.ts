import { readFileSync, statSync } from 'node:fs';
import { parseFreshRecord, serializeFreshRecord, type FreshRecord } from '../../core/build/fresh-record.js';
import type { FileStat } from '../../core/project/file-index.js';
import { freshRecordPath, writeStateFile } from './state-dir.js';

/** The record of the project's last all-fresh verdict; undefined when there is none or it is damaged. */
export function readFreshRecord(stateDir: string, root: string): FreshRecord | undefined {
  let text: string;
  try {
    text = readFileSync(freshRecordPath(stateDir, root), 'utf8');
  } catch {
    return undefined;
  }
  return parseFreshRecord(text);
}

/** Replaces the record; never throws (it only saves time). */
export function writeFreshRecord(stateDir: string, root: string, record: FreshRecord): void {
  writeStateFile(freshRecordPath(stateDir, root), serializeFreshRecord(record));
}

/** Stats paths under `root` for their stamps: undefined for a missing file; other errors throw. */
export function statUnder(root: string): (path: string) => FileStat | undefined {
  // Joined by hand: path.join on thousands of repo-relative paths costs as much as the stats.
  return (path) => statSync(`${root}/${path}`, { throwIfNoEntry: false });
}
