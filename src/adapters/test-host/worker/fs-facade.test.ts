import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fsFacades } from './fs-facade.js';

let root: string;
let scratch: string;
// biome-ignore lint/suspicious/noExplicitAny: the facades are called by name, as a confined module calls them.
type Facade = Record<string, any>;
let facade: Facade;
let promises: Facade;

beforeAll(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ainative-fs-facade-')));
  scratch = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ainative-fs-scratch-')));
  for (const [file, text] of Object.entries({
    'src/data.json': '{"a":1}',
    'test/a.test.ts': 'secret test',
    '.env': 'KEY=v',
    '.git/config': '[core]',
  })) {
    fs.mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  fs.symlinkSync(path.join(root, 'test/a.test.ts'), path.join(root, 'src/link.ts'));
  const made = fsFacades(fs, fs.promises, { root, writable: [scratch], denied: [path.join(root, 'test'), path.join(root, '.git')] });
  facade = made.fs as Facade;
  promises = made.promises as Facade;
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe('the fs a confined module is granted', () => {
  it('reads the repo and writes the scratch folder', async () => {
    expect(facade.readFileSync('src/data.json', 'utf8')).toBe('{"a":1}');
    facade.writeFileSync(path.join(scratch, 'out.txt'), 'ok');
    expect(await promises.readFile(path.join(scratch, 'out.txt'), 'utf8')).toBe('ok');
  });

  it.each([
    ['a test file', () => facade.readFileSync('test/a.test.ts', 'utf8')],
    ['a test file through a symlink', () => facade.readFileSync('src/link.ts', 'utf8')],
    ['a test file through ..', () => facade.readFileSync('src/../test/a.test.ts', 'utf8')],
    ['a test file as a URL', () => facade.readFileSync(new URL(`file://${root}/test/a.test.ts`))],
    ['.git', () => facade.readFileSync('.git/config', 'utf8')],
    ['a secret file', () => facade.readFileSync('.env', 'utf8')],
    ['/proc', () => facade.readFileSync('/proc/self/environ')],
    ['a file outside the repo', () => facade.readFileSync('/etc/hostname')],
    ['a write into the repo', () => facade.writeFileSync('src/new.ts', 'x')],
    ['a descriptor it did not open', () => facade.writeSync(3, 'forged')],
    ['a copy of a folder holding tests', () => facade.cpSync(root, path.join(scratch, 'copy'), { recursive: true })],
  ])('refuses %s with EACCES', (_what, act) => {
    expect(act).toThrow(/EACCES/);
  });

  it('refuses the same through promises and callbacks', async () => {
    await expect(promises.readFile('test/a.test.ts')).rejects.toThrow(/EACCES/);
    const error = await new Promise((resolve) => facade.readFile('test/a.test.ts', resolve));
    expect(error).toMatchObject({ code: 'EACCES' });
  });

  it('lists folders without what it may not open, and offers no way to make links', () => {
    expect(facade.readdirSync('.').sort()).toEqual(['src']);
    expect(facade.readdirSync('src').sort()).toEqual(['data.json']);
    expect(() => facade.readdirSync('test')).toThrow(/EACCES/);
    expect(facade.symlinkSync).toBeUndefined();
    expect(facade.linkSync).toBeUndefined();
  });

  it('works with descriptors it opened itself', () => {
    const fd = facade.openSync(path.join(scratch, 'fd.txt'), 'w');
    facade.writeSync(fd, 'written');
    facade.closeSync(fd);
    expect(fs.readFileSync(path.join(scratch, 'fd.txt'), 'utf8')).toBe('written');
  });
});
