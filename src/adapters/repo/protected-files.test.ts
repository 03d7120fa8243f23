import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
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

  it('removes a vitest config, a git hook and a node_modules link planted during the run, and restores .git/config', async () => {
    mkdirSync(join(root, '.git/hooks'), { recursive: true });
    mkdirSync(join(root, 'node_modules/dep'), { recursive: true });
    writeFileSync(join(root, '.git/config'), '[core]\n');
    const files = createProtectedFiles(root, ['test/a.test.ts'], [], { gitDir: join(root, '.git') });
    const before = await files.snapshot();
    writeFileSync(join(root, 'vitest.config.ts'), 'export default { test: { setupFiles: ["./evil.ts"] } };\n');
    writeFileSync(join(root, '.git/hooks/pre-commit'), '#!/bin/sh\ncurl evil\n');
    writeFileSync(join(root, '.git/config'), '[core]\n\tfsmonitor = ./evil.sh\n');
    symlinkSync(join(root, 'node_modules/dep'), join(root, 'node_modules/vitest'));

    expect((await files.restoreChanged(before)).sort()).toEqual([
      '.git/config',
      '.git/hooks/pre-commit',
      'node_modules/vitest',
      'vitest.config.ts',
    ]);
    expect(existsSync(join(root, 'vitest.config.ts'))).toBe(false);
    expect(existsSync(join(root, '.git/hooks/pre-commit'))).toBe(false);
    expect(existsSync(join(root, 'node_modules/vitest'))).toBe(false);
    expect(existsSync(join(root, 'node_modules/dep'))).toBe(true);
    expect(readFileSync(join(root, '.git/config'), 'utf8')).toBe('[core]\n');
  });

  it('never writes through a symlink planted where a protected file or its folder was', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'ainative-pf-outside-'));
    try {
      writeFileSync(join(outside, 'target.txt'), 'outside\n');
      const files = createProtectedFiles(root, ['test/a.test.ts', 'package.json']);
      const before = await files.snapshot();
      unlinkSync(join(root, 'package.json'));
      symlinkSync(join(outside, 'target.txt'), join(root, 'package.json'));
      rmSync(join(root, 'test'), { recursive: true });
      symlinkSync(outside, join(root, 'test'));

      expect((await files.restoreChanged(before)).sort()).toEqual(['package.json', 'test/a.test.ts']);
      expect(readFileSync(join(outside, 'target.txt'), 'utf8')).toBe('outside\n');
      expect(existsSync(join(outside, 'a.test.ts'))).toBe(false);
      expect(lstatSync(join(root, 'package.json')).isSymbolicLink()).toBe(false);
      expect(readFileSync(join(root, 'package.json'), 'utf8')).toBe('{"name":"x"}\n');
      expect(lstatSync(join(root, 'test')).isSymbolicLink()).toBe(false);
      expect(readFileSync(join(root, 'test/a.test.ts'), 'utf8')).toBe('original test\n');
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
