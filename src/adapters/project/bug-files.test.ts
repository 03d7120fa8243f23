import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bug } from '../../core/project/bug.js';
import { listBugFiles, readBugs, writeNewBugFile } from './bug-files.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(os.tmpdir(), 'ainative bug files '));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function put(path: string, content: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), content);
}

const BUG: Bug = {
  file: 'bugs/2026-11-23-empty-upload.md',
  intent: 'upload',
  status: 'open',
  created: '2026-11-23',
  source: '#12',
  body: 'empty upload returns 500',
};

describe('bug files', () => {
  it('lists nothing when bugs/ does not exist', async () => {
    expect(await listBugFiles(root)).toEqual([]);
    expect(await readBugs(root)).toEqual({ bugs: [], errors: [] });
  });

  it('creates bugs/ and writes a new bug file that reads back the same', async () => {
    expect(await writeNewBugFile(root, BUG)).toBe(true);
    expect(await readFile(join(root, BUG.file), 'utf8')).toBe(
      '---\nintent: upload\nstatus: open\ncreated: 2026-11-23\nsource: "#12"\n---\nempty upload returns 500\n',
    );
    expect(await readBugs(root)).toEqual({ bugs: [BUG], errors: [] });
  });

  it('never overwrites an existing bug file', async () => {
    await put(BUG.file, 'hand-written\n');
    expect(await writeNewBugFile(root, BUG)).toBe(false);
    expect(await readFile(join(root, BUG.file), 'utf8')).toBe('hand-written\n');
    // write-file-atomic's temp files must not be left behind either.
    expect(await readdir(join(root, 'bugs'))).toEqual(['2026-11-23-empty-upload.md']);
  });

  it('reads nested bug files in order and reports the malformed ones', async () => {
    await put('bugs/team/2026-11-24-b.md', '---\nintent: auth\nstatus: fixed\ncreated: 2026-11-24\n---\nb\n');
    await put('bugs/2026-11-23-a.md', '---\nintent: upload\nstatus: open\ncreated: 2026-11-23\n---\na\n');
    await put('bugs/2026-11-25-bad.md', '---\nintent: upload\nstatus: wontfix\ncreated: 2026-11-25\n---\nbad\n');
    await put('bugs/README.txt', 'not a bug file');
    expect(await listBugFiles(root)).toEqual(['bugs/2026-11-23-a.md', 'bugs/2026-11-25-bad.md', 'bugs/team/2026-11-24-b.md']);
    const { bugs, errors } = await readBugs(root);
    expect(bugs.map((bug) => [bug.file, bug.intent, bug.status])).toEqual([
      ['bugs/2026-11-23-a.md', 'upload', 'open'],
      ['bugs/team/2026-11-24-b.md', 'auth', 'fixed'],
    ]);
    expect(errors).toEqual(['bugs/2026-11-25-bad.md: key \'status\' must be one of open, unreproduced, fixed, not "wontfix"']);
  });
});
