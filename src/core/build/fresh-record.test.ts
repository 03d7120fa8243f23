import { describe, expect, it } from 'vitest';
import type { FileStat } from '../project/file-index.js';
import { parseFreshRecord, serializeFreshRecord, stampedFile, stillFresh, type FreshRecord } from './fresh-record.js';

const STAT = { dev: 1, ino: 10, size: 100, mtimeMs: 1_700_000_000_000.5, ctimeMs: 1_700_000_000_000.5 };
const CONTEXT = { version: '1.0.0', root: '/repo', intentsDir: 'intents', model: 'gpt-x', promptHash: 'p'.repeat(64) };
const RECORD: FreshRecord = {
  ...CONTEXT,
  intentFiles: ['intents/sum.intent.md'],
  files: [
    stampedFile('intents/sum.intent.md', STAT),
    stampedFile('test/sum.test.ts', { ...STAT, ino: 11 }),
    stampedFile('test/gone.test.ts', undefined),
  ],
  intents: [{ id: 'sum', module: 'src/sum.ts' }],
};
const DISK: Record<string, FileStat> = { 'intents/sum.intent.md': STAT, 'test/sum.test.ts': { ...STAT, ino: 11 } };
const statOf = (disk: Record<string, FileStat>) => (path: string) => disk[path];

describe('stillFresh', () => {
  it('holds while every file has its stamp and the missing one is still missing', () => {
    expect(stillFresh(RECORD, CONTEXT, RECORD.intentFiles, statOf(DISK))).toBe(true);
  });

  it('fails when any file changed, even keeping its size and mtime', () => {
    expect(
      stillFresh(
        RECORD,
        CONTEXT,
        RECORD.intentFiles,
        statOf({ ...DISK, 'test/sum.test.ts': { ...STAT, ino: 11, ctimeMs: STAT.ctimeMs + 1 } }),
      ),
    ).toBe(false);
  });

  it('fails when a file that was missing appears, or one that existed is gone', () => {
    expect(stillFresh(RECORD, CONTEXT, RECORD.intentFiles, statOf({ ...DISK, 'test/gone.test.ts': STAT }))).toBe(false);
    expect(stillFresh(RECORD, CONTEXT, RECORD.intentFiles, statOf({ 'intents/sum.intent.md': STAT }))).toBe(false);
  });

  it('fails when an intent file was added', () => {
    expect(stillFresh(RECORD, CONTEXT, [...RECORD.intentFiles, 'intents/new.intent.md'], statOf(DISK))).toBe(false);
  });

  it('fails when the model, the prompt templates, the intents folder or ainative changed', () => {
    for (const change of [{ model: 'gpt-y' }, { promptHash: 'q'.repeat(64) }, { intentsDir: 'specs' }, { version: '1.0.1' }]) {
      expect(stillFresh(RECORD, { ...CONTEXT, ...change }, RECORD.intentFiles, statOf(DISK))).toBe(false);
    }
  });

  it('fails on a damaged file row instead of trusting it', () => {
    const damaged = { ...RECORD, files: [...RECORD.files, ['test/sum.test.ts', 1, 'x']] } as unknown as FreshRecord;
    expect(stillFresh(damaged, CONTEXT, RECORD.intentFiles, statOf(DISK))).toBe(false);
  });
});

describe('the record file', () => {
  it('reads back what was written', () => {
    expect(parseFreshRecord(serializeFreshRecord(RECORD))).toEqual(RECORD);
  });

  it('is ignored when it is not JSON, cut short, or of another format', () => {
    const text = serializeFreshRecord(RECORD);
    expect(parseFreshRecord('{')).toBeUndefined();
    expect(parseFreshRecord(text.slice(0, -10))).toBeUndefined();
    expect(parseFreshRecord(JSON.stringify({ ...JSON.parse(text), format: 99 }))).toBeUndefined();
  });
});
