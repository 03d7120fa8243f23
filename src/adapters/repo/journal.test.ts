import { chmod, cp, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RefusalError } from '../../core/errors.js';
import { createFsWorkspace } from './workspace.js';
import { journaledWorkspace, openJournal, recoverJournal } from './journal.js';

// Every byte value, so a text-mode round trip anywhere would show.
const BINARY = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7) % 256));

let base: string;
let root: string;
let journalDir: string;

beforeEach(async () => {
  base = await mkdtemp(join(os.tmpdir(), 'ainative journal '));
  root = join(base, 'my repo');
  journalDir = join(root, '.git', 'ainative', 'journal');
  await put('src/a.ts', 'export const a = 1;\n');
  await put('assets/logo.bin', BINARY);
  await put('bin/run.sh', '#!/bin/sh\necho hi\n');
  await chmod(join(root, 'bin/run.sh'), 0o755);
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

async function put(path: string, content: string | Buffer): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), content);
}

const bytes = (path: string) => readFile(join(root, path));
const exists = (path: string) =>
  stat(join(root, path)).then(
    () => true,
    () => false,
  );

describe('recoverJournal after a build died', () => {
  it('restores changed files byte for byte, with their mode, and removes files and folders the build created', async () => {
    const journal = await openJournal(journalDir, root);
    const paths = ['src/a.ts', 'assets/logo.bin', 'bin/run.sh', 'src/gen/deep/new.ts', 'src/b.ts'];
    for (const path of paths) await journal.remember(path);
    await put('src/a.ts', 'export const a = 2;\n');
    await put('assets/logo.bin', Buffer.from([0, 1, 2]));
    await rm(join(root, 'bin/run.sh'));
    await put('src/gen/deep/new.ts', 'export {};\n');
    await put('src/b.ts', 'export const b = 1;\n');
    // The build dies here: no commit.

    const restored = await recoverJournal(journalDir, root);

    expect(restored.sort()).toEqual(['assets/logo.bin', 'bin/run.sh', 'src/a.ts', 'src/b.ts', 'src/gen/deep/new.ts']);
    expect((await bytes('src/a.ts')).toString()).toBe('export const a = 1;\n');
    expect((await bytes('assets/logo.bin')).equals(BINARY)).toBe(true);
    expect((await bytes('bin/run.sh')).toString()).toBe('#!/bin/sh\necho hi\n');
    expect((await stat(join(root, 'bin/run.sh'))).mode & 0o777).toBe(0o755);
    expect(await exists('src/b.ts')).toBe(false);
    expect(await exists('src/gen')).toBe(false);
    expect(await readdir(join(root, 'src'))).toEqual(['a.ts']);
    expect(await exists('.git/ainative/journal')).toBe(false);
  });

  it('reports only the files that actually differ from their originals', async () => {
    const journal = await openJournal(journalDir, root);
    await journal.remember('src/a.ts');
    await journal.remember('src/never-written.ts');
    await put('assets/logo.bin', 'not journaled');
    expect(await recoverJournal(journalDir, root)).toEqual([]);
    expect((await bytes('assets/logo.bin')).toString()).toBe('not journaled');
  });

  it('keeps the first original when a path changes several times', async () => {
    const journal = await openJournal(journalDir, root);
    await journal.remember('src/a.ts');
    await put('src/a.ts', 'first change');
    await journal.remember('./src//a.ts');
    await put('src/a.ts', 'second change');
    expect(await recoverJournal(journalDir, root)).toEqual(['src/a.ts']);
    expect((await bytes('src/a.ts')).toString()).toBe('export const a = 1;\n');
  });

  it('records concurrent remembers of many paths', async () => {
    const journal = await openJournal(journalDir, root);
    const paths = Array.from({ length: 8 }, (_, i) => `src/f${i}.ts`);
    await Promise.all([...paths, ...paths, 'src/a.ts'].map((path) => journal.remember(path)));
    for (const path of [...paths, 'src/a.ts']) await put(path, 'changed');
    expect((await recoverJournal(journalDir, root)).sort()).toEqual(['src/a.ts', ...paths].sort());
    expect(await readdir(join(root, 'src'))).toEqual(['a.ts']);
  });

  it('is idempotent, also when a recovery died before dropping the journal', async () => {
    const journal = await openJournal(journalDir, root);
    await journal.remember('src/a.ts');
    await journal.remember('src/new.ts');
    await put('src/a.ts', 'changed');
    await put('src/new.ts', 'created');
    const copy = join(base, 'journal copy');
    await cp(journalDir, copy, { recursive: true });

    expect((await recoverJournal(journalDir, root)).sort()).toEqual(['src/a.ts', 'src/new.ts']);
    expect(await recoverJournal(journalDir, root)).toEqual([]);
    await cp(copy, journalDir, { recursive: true });
    expect(await recoverJournal(journalDir, root)).toEqual([]);
    expect((await bytes('src/a.ts')).toString()).toBe('export const a = 1;\n');
    expect(await exists('src/new.ts')).toBe(false);
  });

  it('returns nothing when there is no journal', async () => {
    expect(await recoverJournal(journalDir, root)).toEqual([]);
  });

  it('changes nothing and refuses when a blob is missing', async () => {
    const journal = await openJournal(journalDir, root);
    await journal.remember('src/new.ts');
    await journal.remember('src/a.ts');
    await put('src/new.ts', 'created');
    await put('src/a.ts', 'changed');
    for (const file of await readdir(journalDir)) if (file.endsWith('.blob')) await rm(join(journalDir, file));
    await expect(recoverJournal(journalDir, root)).rejects.toBeInstanceOf(RefusalError);
    expect((await bytes('src/new.ts')).toString()).toBe('created');
  });
});

describe('Journal.commit', () => {
  it('drops the journal, so recovery restores nothing', async () => {
    const journal = await openJournal(journalDir, root);
    await journal.remember('src/a.ts');
    await journal.remember('src/new.ts');
    await put('src/a.ts', 'built');
    await put('src/new.ts', 'built');
    await journal.commit();
    expect(await exists('.git/ainative/journal')).toBe(false);
    expect(await recoverJournal(journalDir, root)).toEqual([]);
    expect((await bytes('src/a.ts')).toString()).toBe('built');
    expect((await bytes('src/new.ts')).toString()).toBe('built');
    await expect(journal.remember('src/a.ts')).rejects.toThrow('already committed');
  });
});

describe('openJournal', () => {
  it('refuses to start over a journal that was not recovered', async () => {
    await (await openJournal(journalDir, root)).remember('src/a.ts');
    await expect(openJournal(journalDir, root)).rejects.toThrow('recoverJournal');
  });

  it('rejects paths outside the repo', async () => {
    const journal = await openJournal(journalDir, root);
    await expect(journal.remember('../outside.ts')).rejects.toThrow('not a repo-relative file path');
    await expect(journal.remember(join(base, 'abs.ts'))).rejects.toThrow('not a repo-relative file path');
  });
});

describe('journaledWorkspace', () => {
  it('records each file before the workspace writes or removes it', async () => {
    const journal = await openJournal(journalDir, root);
    const workspace = journaledWorkspace(createFsWorkspace(root), journal);
    await workspace.write('src/a.ts', 'rewritten');
    await workspace.write('src/lib/new.ts', 'created');
    await workspace.remove('bin/run.sh');
    expect(await workspace.read('src/a.ts')).toBe('rewritten');
    expect(await workspace.exists('src/lib/new.ts')).toBe(true);

    expect((await recoverJournal(journalDir, root)).sort()).toEqual(['bin/run.sh', 'src/a.ts', 'src/lib/new.ts']);
    expect((await bytes('src/a.ts')).toString()).toBe('export const a = 1;\n');
    expect(await exists('bin/run.sh')).toBe(true);
    expect(await exists('src/lib')).toBe(false);
  });
});
