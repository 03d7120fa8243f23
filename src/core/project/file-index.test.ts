import { describe, expect, it } from 'vitest';
import { isSettled, parseFileIndex, sameStamp, serializeFileIndex, type IndexEntry } from './file-index.js';
import type { Intent } from './intent.js';

const OWNER = { version: '1.2.3', root: '/repo' };
const STAT = { dev: 2049, ino: 1234, size: 120, mtimeMs: 1_700_000_000_000.25, ctimeMs: 1_700_000_000_000.25 };
const SHA = 'a'.repeat(64);
const INTENT: Intent = {
  id: 'sum',
  file: 'intents/sum.intent.md',
  module: 'src/sum.ts',
  tests: ['test/sum.test.ts'],
  uses: [],
  exports: ['sum(a: number, b: number): number'],
  holdout: [],
  allow: [],
  isolation: 'confined',
  body: 'Adds.',
  text: '---\nmodule: src/sum.ts\n---\nAdds.\n',
};

describe('sameStamp', () => {
  it('holds for the same stat', () => {
    expect(sameStamp(STAT, { ...STAT })).toBe(true);
  });

  it('fails for an edit that kept the size and put the old mtime back (its ctime moved)', () => {
    expect(sameStamp(STAT, { ...STAT, ctimeMs: STAT.ctimeMs + 0.001 })).toBe(false);
  });

  it('fails for a file replaced by another one (a new inode)', () => {
    expect(sameStamp(STAT, { ...STAT, ino: 999 })).toBe(false);
  });
});

describe('isSettled (racy files)', () => {
  it('settles a file whose times are both before the read started', () => {
    expect(isSettled(STAT, STAT.mtimeMs + 1)).toBe(true);
  });

  it('does not settle a file changed in the same timestamp as the read started: a second edit could keep its stamp', () => {
    expect(isSettled(STAT, STAT.mtimeMs)).toBe(false);
  });

  it('does not settle a file whose ctime is not before the read started, even with an old mtime', () => {
    expect(isSettled({ ...STAT, mtimeMs: 1000 }, STAT.ctimeMs)).toBe(false);
  });
});

describe('the index file', () => {
  const entries = new Map<string, IndexEntry>([
    ['test/sum.test.ts', { ...STAT, sha256: SHA }],
    ['intents/sum.intent.md', { ...STAT, ino: 5, sha256: 'b'.repeat(64), intent: INTENT }],
  ]);

  it('reads back what was written, intents included', () => {
    expect(parseFileIndex(serializeFileIndex(OWNER, entries), OWNER)).toEqual(entries);
  });

  it('is ignored when another ainative version or another project root wrote it', () => {
    const text = serializeFileIndex(OWNER, entries);
    expect(parseFileIndex(text, { ...OWNER, version: '1.2.4' })).toBeUndefined();
    expect(parseFileIndex(text, { ...OWNER, root: '/elsewhere' })).toBeUndefined();
  });

  it('is ignored whole when damaged: not JSON, cut short, or an entry of the wrong shape', () => {
    const text = serializeFileIndex(OWNER, entries);
    expect(parseFileIndex('garbage', OWNER)).toBeUndefined();
    expect(parseFileIndex(text.slice(0, text.length / 2), OWNER)).toBeUndefined();
    const data = JSON.parse(text);
    expect(
      parseFileIndex(JSON.stringify({ ...data, files: { ...data.files, 'x.ts': [1, 2, 3, 4, 5, 'short-sha'] } }), OWNER),
    ).toBeUndefined();
    const badIntent = { ...INTENT, tests: 'test/sum.test.ts' };
    expect(
      parseFileIndex(JSON.stringify({ ...data, files: { 'intents/sum.intent.md': [1, 2, 3, 4, 5, SHA, badIntent] } }), OWNER),
    ).toBeUndefined();
  });

  it('refuses an intent filed under another path than its own file', () => {
    const moved = new Map([['intents/other.intent.md', { ...STAT, sha256: SHA, intent: INTENT }]]);
    expect(parseFileIndex(serializeFileIndex(OWNER, moved), OWNER)).toBeUndefined();
  });
});
