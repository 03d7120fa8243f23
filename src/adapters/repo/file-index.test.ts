import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { contentHash } from '../../core/project/content-hash.js';
import { parseIntent, type Intent } from '../../core/project/intent.js';
import { openFileIndex, unindexedFiles, type ProjectFiles } from './file-index.js';
import { fileIndexPath } from './state-dir.js';

const INTENT_TEXT = '---\nmodule: src/sum.ts\n---\nAdds two numbers.\n';
const TEST_TEXT = "it('adds', () => expect(sum(1, 2)).toBe(3));\n";

let base: string | undefined;
afterEach(() => {
  if (base) rmSync(base, { recursive: true, force: true });
  base = undefined;
});

/** A project root with an intent and a test, and a state dir beside it (as the git dir would hold it). */
function project(): { root: string; stateDir: string } {
  base = mkdtempSync(join(tmpdir(), 'ainative-file-index-'));
  const root = join(base, 'work');
  write(root, 'intents/sum.intent.md', INTENT_TEXT);
  write(root, 'test/sum.test.ts', TEST_TEXT);
  return { root, stateDir: join(base, 'git', 'ainative') };
}

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

/** Rewrites a file with other text of the same length and puts its old mtime back, as `cp -p` or rsync would. */
function editKeepingSizeAndMtime(root: string, path: string, text: string): void {
  const before = statSync(join(root, path));
  writeFileSync(join(root, path), text);
  utimesSync(join(root, path), before.atime, before.mtime);
}

/** An index whose runs started a minute after every file was written: everything it reads settles. */
const afterAMinute = () => Date.now() + 60_000;

function open(root: string, stateDir: string, fileSystemNowMs = afterAMinute): ProjectFiles {
  return openFileIndex({ root, stateDir, version: '1.0.0', fileSystemNowMs });
}

/** One run's use of the index, as loadIntents and the staleness check make it. */
function loadIntent(files: ProjectFiles): Intent {
  const cached = files.cachedIntent('intents/sum.intent.md');
  if (cached) return cached;
  const parsed = parseIntent('intents/sum.intent.md', files.text('intents/sum.intent.md')!);
  if (!parsed.ok) throw new Error(parsed.error);
  files.keepIntent('intents/sum.intent.md', parsed.intent);
  return parsed.intent;
}

describe('the file index', () => {
  it('gives the next run the parsed intent and the hashes of unchanged files without reading them', () => {
    const { root, stateDir } = project();
    const first = open(root, stateDir);
    const intent = loadIntent(first);
    expect(first.hash('test/sum.test.ts')).toBe(contentHash(TEST_TEXT));
    first.save();

    const second = open(root, stateDir);
    expect(second.cachedIntent('intents/sum.intent.md')).toEqual(intent);
    expect(second.hash('test/sum.test.ts')).toBe(contentHash(TEST_TEXT));
  });

  it('reads a file again when it was edited in place with the same size and its old mtime put back', () => {
    const { root, stateDir } = project();
    const first = open(root, stateDir);
    loadIntent(first);
    first.hash('test/sum.test.ts');
    first.save();
    editKeepingSizeAndMtime(root, 'intents/sum.intent.md', INTENT_TEXT.replace('Adds two', 'Adds 2 + '));
    editKeepingSizeAndMtime(root, 'test/sum.test.ts', TEST_TEXT.replace('1, 2)).toBe(3)', '2, 2)).toBe(4)'));

    const second = open(root, stateDir);
    expect(second.cachedIntent('intents/sum.intent.md')).toBeUndefined();
    expect(loadIntent(second).body).toBe('Adds 2 +  numbers.');
    expect(second.hash('test/sum.test.ts')).toBe(contentHash(TEST_TEXT.replace('1, 2)).toBe(3)', '2, 2)).toBe(4)')));
  });

  it('does not keep a file read in the same timestamp tick as its last change (racy), so the next run reads it again', () => {
    const { root, stateDir } = project();
    const intentMtime = statSync(join(root, 'intents/sum.intent.md')).mtimeMs;
    // The read started in the tick of the intent file's last write: a second write in that tick could keep its stamp.
    const racy = open(root, stateDir, () => intentMtime);
    loadIntent(racy);
    expect(racy.settledFiles()).toBeUndefined();
    racy.save();

    const next = open(root, stateDir);
    expect(next.cachedIntent('intents/sum.intent.md')).toBeUndefined();
    loadIntent(next);
    next.save();
    expect(open(root, stateDir).cachedIntent('intents/sum.intent.md')?.module).toBe('src/sum.ts');
  });

  it('ignores a damaged index file and replaces it with a good one', () => {
    const { root, stateDir } = project();
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(fileIndexPath(stateDir, root), '{"format":1,"files":{"test/sum.test.ts":[1,2');
    const first = open(root, stateDir);
    expect(first.hash('test/sum.test.ts')).toBe(contentHash(TEST_TEXT));
    expect(loadIntent(first).module).toBe('src/sum.ts');
    first.save();

    expect(open(root, stateDir).cachedIntent('intents/sum.intent.md')?.module).toBe('src/sum.ts');
  });

  it('keeps its file in the state dir, not in the work tree, and writes nothing when nothing changed', () => {
    const { root, stateDir } = project();
    const first = open(root, stateDir);
    loadIntent(first);
    first.save();
    expect(existsSync(fileIndexPath(stateDir, root))).toBe(true);
    expect(readdirSync(root).sort()).toEqual(['intents', 'test']);
    const written = statSync(fileIndexPath(stateDir, root)).mtimeMs;

    const second = open(root, stateDir);
    loadIntent(second);
    second.save();
    expect(statSync(fileIndexPath(stateDir, root)).mtimeMs).toBe(written);
  });

  it('lists every file it looked at with its stamp for a fresh record, a missing one as missing', () => {
    const { root, stateDir } = project();
    const files = open(root, stateDir);
    files.hash('test/sum.test.ts');
    expect(files.exists('test/gone.test.ts')).toBe(false);
    const stat = statSync(join(root, 'test/sum.test.ts'));
    expect(files.settledFiles()).toEqual([
      ['test/sum.test.ts', stat.dev, stat.ino, stat.size, stat.mtimeMs, stat.ctimeMs],
      ['test/gone.test.ts'],
    ]);
  });

  it('without a state dir reads every file each time and writes nothing', () => {
    const { root, stateDir } = project();
    const files = unindexedFiles(root);
    expect(files.cachedIntent('intents/sum.intent.md')).toBeUndefined();
    expect(files.hash('test/sum.test.ts')).toBe(contentHash(TEST_TEXT));
    files.save();
    expect(existsSync(stateDir)).toBe(false);
    expect(files.settledFiles()).toBeUndefined();
  });
});
