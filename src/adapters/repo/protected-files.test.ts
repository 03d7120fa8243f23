import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProtectedFiles, protectedPaths } from './protected-files.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ainative-pf-'));
  mkdirSync(join(root, 'test/regressions'), { recursive: true });
  writeFileSync(join(root, 'test/a.test.ts'), 'original test\n');
  writeFileSync(join(root, 'package.json'), '{"name":"x"}\n');
  writeFileSync(join(root, 'tsconfig.json'), '{}\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('protected files', () => {
  it('adds the configuration files present to the given paths', async () => {
    expect(await protectedPaths(root, ['test/a.test.ts'])).toEqual(['package.json', 'test/a.test.ts', 'tsconfig.json']);
  });

  it('puts back an edited file and a deleted one byte for byte, and names them', async () => {
    const files = createProtectedFiles(root, await protectedPaths(root, ['test/a.test.ts']));
    const before = await files.snapshot();
    writeFileSync(join(root, 'test/a.test.ts'), 'it.skip(...)\n');
    unlinkSync(join(root, 'package.json'));

    expect((await files.restoreChanged(before)).sort()).toEqual(['package.json', 'test/a.test.ts']);
    expect(readFileSync(join(root, 'test/a.test.ts'), 'utf8')).toBe('original test\n');
    expect(readFileSync(join(root, 'package.json'), 'utf8')).toBe('{"name":"x"}\n');
  });

  it('removes a protected path that did not exist before the run, and leaves untouched files alone', async () => {
    const files = createProtectedFiles(root, ['test/new.test.ts', 'tsconfig.json']);
    const before = await files.snapshot();
    writeFileSync(join(root, 'test/new.test.ts'), 'planted\n');

    expect(await files.restoreChanged(before)).toEqual(['test/new.test.ts']);
    expect(existsSync(join(root, 'test/new.test.ts'))).toBe(false);
  });

  it('watches files matching its globs that were frozen after it was created', async () => {
    const files = createProtectedFiles(root, [], ['test/regressions/**']);
    writeFileSync(join(root, 'test/regressions/bug.test.ts'), 'frozen\n');
    const before = await files.snapshot();
    writeFileSync(join(root, 'test/regressions/bug.test.ts'), 'weakened\n');

    expect(await files.restoreChanged(before)).toEqual(['test/regressions/bug.test.ts']);
    expect(readFileSync(join(root, 'test/regressions/bug.test.ts'), 'utf8')).toBe('frozen\n');
  });
});
