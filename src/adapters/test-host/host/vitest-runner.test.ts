import fs from 'node:fs';
import module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createVitestRunner, type GroupRunner, type VitestRunnerOptions } from './vitest-runner.js';

const GOOD_SUM = 'export function sum(a: number, b: number): number {\n  return a + b;\n}\n';
const BAD_SUM = 'export function sum(a: number, b: number): number {\n  return a + b + 1;\n}\n';

const SUM_TEST = [
  "import { describe, expect, it } from 'vitest';",
  "import { sum } from '../src/sum.ts';",
  '',
  "describe('sum', () => {",
  "  it('adds small numbers', () => {",
  '    expect(sum(1, 2)).toBe(3);',
  '  });',
  "  it('adds zero', () => {",
  '    expect(sum(0, 5)).toBe(5);',
  '  });',
  '});',
  '',
].join('\n');
const SUM_EXPECT_LINE = 6;

const SUM_NOEXT_TEST = [
  "import { expect, it } from 'vitest';",
  "import { sum } from '../src/sum';",
  '',
  "it('adds negatives', () => {",
  '  expect(sum(-1, -2)).toBe(-3);',
  '});',
  '',
].join('\n');

const SUM_FILES = ['test/sum.test.ts', 'test/sum-noext.test.ts'];

let roots: string[] = [];
let runners: GroupRunner[] = [];

afterEach(async () => {
  await Promise.all(runners.map((runner) => runner.close()));
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
  runners = [];
  roots = [];
});

function makeRepo(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ainative-vr-'));
  roots.push(root);
  for (const [file, content] of Object.entries(files)) write(root, file, content);
  return root;
}

function write(root: string, file: string, content: string): void {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), content);
}

async function start(root: string, options: Partial<VitestRunnerOptions> = {}): Promise<GroupRunner> {
  const runner = await createVitestRunner({ root, ...options });
  runners.push(runner);
  return runner;
}

function sumRepo(sum: string = GOOD_SUM): string {
  return makeRepo({ 'src/sum.ts': sum, 'test/sum.test.ts': SUM_TEST, 'test/sum-noext.test.ts': SUM_NOEXT_TEST });
}

describe('createVitestRunner', () => {
  it('runs passing tests in a bare folder, with and without the .ts extension in imports', async () => {
    const runner = await start(sumRepo());
    const result = await runner.run(SUM_FILES, []);
    expect(result).toEqual({ collected: 3, passed: 3, failed: 0, skipped: 0, failures: [], fileErrors: [] });
  });

  it('runs several groups as one run and gives each group only its own files', async () => {
    const root = makeRepo({
      'src/sum.ts': BAD_SUM,
      'test/sum.test.ts': SUM_TEST,
      'test/other.test.ts': "import { expect, it } from 'vitest';\nit('holds', () => expect(1).toBe(1));\n",
    });
    const runner = await start(root);
    const [red, green] = await runner.runGroups([['test/sum.test.ts'], ['test/other.test.ts']], []);
    expect(red).toMatchObject({ collected: 2, passed: 0, failed: 2, fileErrors: [] });
    expect(red!.failures.map((failure) => failure.file)).toEqual(['test/sum.test.ts', 'test/sum.test.ts']);
    expect(green).toEqual({ collected: 1, passed: 1, failed: 0, skipped: 0, failures: [], fileErrors: [] });
  });

  it('gives every test file a fresh thread, also with threads booted ahead of the run', async () => {
    // Each file leaves a global behind and fails if it finds one: a reused thread would show.
    const leaky =
      "import { expect, it } from 'vitest';\nit('finds a clean global scope', () => { expect((globalThis as any).leftOver).toBeUndefined(); (globalThis as any).leftOver = 1; });\n";
    const files = ['test/a.test.ts', 'test/b.test.ts', 'test/c.test.ts'];
    const runner = await start(makeRepo(Object.fromEntries(files.map((file) => [file, leaky]))), { spareWorkers: 2 });
    for (let round = 0; round < 3; round++) {
      expect(await runner.run(files, [])).toMatchObject({ collected: 3, passed: 3, failed: 0 });
      expect(await runner.run([files[round]!], [])).toMatchObject({ collected: 1, passed: 1, failed: 0 });
    }
  });

  it('has its test threads keep compiled code in the compile cache folder it is given, where Node has one (22.1+)', async () => {
    const root = sumRepo();
    const cache = path.join(root, '.cache');
    const runner = await start(root, { compileCacheDir: cache });
    for (let round = 0; round < 2; round++) expect(await runner.run(SUM_FILES, [])).toMatchObject({ collected: 3, passed: 3, failed: 0 });
    const written = fs.existsSync(cache) ? fs.readdirSync(cache, { recursive: true }).length : 0;
    if ('enableCompileCache' in module) expect(written).toBeGreaterThan(0);
    else expect(written).toBe(0);
  });

  it('still gives every test file a fresh thread when runs are announced ahead, or taken back', async () => {
    const leaky =
      "import { expect, it } from 'vitest';\nit('finds a clean global scope', () => { expect((globalThis as any).leftOver).toBeUndefined(); (globalThis as any).leftOver = 1; });\n";
    const files = ['test/a.test.ts', 'test/b.test.ts', 'test/c.test.ts'];
    const runner = await start(makeRepo(Object.fromEntries(files.map((file) => [file, leaky]))), { spareWorkers: 4 });
    for (const announced of [3, 5, -2, 0]) {
      runner.expect(announced);
      expect(await runner.run(files, [])).toMatchObject({ collected: 3, passed: 3, failed: 0 });
    }
  });

  it('sees rewritten modules on every rerun and reports the failing expect line', async () => {
    const root = sumRepo();
    const runner = await start(root);
    expect((await runner.run(SUM_FILES, [])).passed).toBe(3);
    for (let cycle = 0; cycle < 3; cycle++) {
      write(root, 'src/sum.ts', BAD_SUM);
      const red = await runner.run(SUM_FILES, ['src/sum.ts']);
      expect(red).toMatchObject({ collected: 3, passed: 0, failed: 3, fileErrors: [] });
      expect(red.failures).toContainEqual({
        name: 'sum > adds small numbers',
        file: 'test/sum.test.ts',
        message: expect.stringContaining('expected 4 to be 3'),
        expected: '3',
        actual: '4',
        line: SUM_EXPECT_LINE,
        source: 'expect(sum(1, 2)).toBe(3);',
      });
      write(root, 'src/sum.ts', GOOD_SUM);
      const green = await runner.run(SUM_FILES, ['src/sum.ts']);
      expect(green).toMatchObject({ collected: 3, passed: 3, failed: 0, failures: [], fileErrors: [] });
    }
  });

  it('reports a syntax error in the module as a file error without ANSI codes', async () => {
    const root = sumRepo('export function sum(a: number, b: number): number {\n  return a +;\n');
    const runner = await start(root);
    const result = await runner.run(['test/sum.test.ts'], []);
    expect(result).toMatchObject({ passed: 0, failed: 0 });
    expect(result.fileErrors.length).toBeGreaterThan(0);
    expect(result.fileErrors[0].file).toBe('test/sum.test.ts');
    expect(result.fileErrors.map((e) => e.message).join('\n')).not.toMatch(/\u001b/);
  });

  it('picks up a module that did not exist at the first run', async () => {
    const root = makeRepo({ 'test/sum.test.ts': SUM_TEST });
    const runner = await start(root);
    const missing = await runner.run(['test/sum.test.ts'], []);
    expect(missing.fileErrors.length).toBeGreaterThan(0);
    write(root, 'src/sum.ts', GOOD_SUM);
    const result = await runner.run(['test/sum.test.ts'], ['src/sum.ts']);
    expect(result).toMatchObject({ collected: 2, passed: 2, fileErrors: [] });
  });

  it('counts skipped and todo tests, and tolerates .only', async () => {
    const root = makeRepo({
      'test/skip.test.ts': "import { it } from 'vitest';\nit('runs', () => {});\nit.skip('skipped', () => {});\nit.todo('later');\n",
      'test/only.test.ts': "import { it } from 'vitest';\nit.only('focused', () => {});\nit('other', () => {});\n",
    });
    const runner = await start(root);
    const result = await runner.run(['test/skip.test.ts', 'test/only.test.ts'], []);
    expect(result).toEqual({ collected: 5, passed: 2, failed: 0, skipped: 3, failures: [], fileErrors: [] });
  });

  it('reports an error thrown inside a timer as a file error', async () => {
    const root = makeRepo({
      'test/timer.test.ts': [
        "import { it } from 'vitest';",
        "it('schedules a throw', async () => {",
        "  setTimeout(() => { throw new Error('boom from timer'); }, 0);",
        // Timers with equal delays fire in order, so the throwing one has run when this resolves.
        '  await new Promise((resolve) => setTimeout(resolve, 0));',
        '});',
        '',
      ].join('\n'),
    });
    const runner = await start(root);
    const result = await runner.run(['test/timer.test.ts'], []);
    expect(result.fileErrors).toContainEqual({ file: 'test/timer.test.ts', message: 'Error: boom from timer' });
  });

  it('describes thrown values that are not errors', async () => {
    const root = makeRepo({ 'test/throw.test.ts': "import { it } from 'vitest';\nit('throws', () => { throw { code: 7 }; });\n" });
    const runner = await start(root);
    const result = await runner.run(['test/throw.test.ts'], []);
    expect(result.failures).toEqual([{ name: 'throws', file: 'test/throw.test.ts', message: 'thrown value: {"code":7}' }]);
  });

  it('keeps vitest and test output off stdout and leaves process.exitCode alone', async () => {
    const root = makeRepo({
      'test/noisy.test.ts':
        "import { it, expect } from 'vitest';\nit('logs', () => { console.log('hello from test'); process.stdout.write('raw write\\n'); expect(1).toBe(2); });\n",
    });
    const lines: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write');
    const exitCode = process.exitCode;
    try {
      const runner = await start(root, { log: (line) => lines.push(line) });
      const result = await runner.run(['test/noisy.test.ts'], []);
      expect(result.failed).toBe(1);
      expect(stdout).not.toHaveBeenCalled();
    } finally {
      stdout.mockRestore();
    }
    expect(process.exitCode).toBe(exitCode);
    expect(lines).toContain('hello from test');
    expect(lines).toContain('raw write');
  });

  it('injects setup files next to those of the user config, and runs test files created later', async () => {
    const root = makeRepo({
      'vitest.config.ts': "export default { test: { setupFiles: ['./user-setup.ts'] } };\n",
      'user-setup.ts': '(globalThis as any).userSetup = true;\n',
      'guard.ts': '(globalThis as any).guard = true;\n',
    });
    const runner = await start(root, {
      configFile: path.join(root, 'vitest.config.ts'),
      setupFiles: [path.join(root, 'guard.ts')],
    });
    write(
      root,
      'test/setup.test.ts',
      [
        "import { it, expect } from 'vitest';",
        "it('sees both setups', () => {",
        '  expect((globalThis as any).userSetup).toBe(true);',
        '  expect((globalThis as any).guard).toBe(true);',
        '});',
        '',
      ].join('\n'),
    );
    const result = await runner.run(['test/setup.test.ts'], []);
    expect(result).toEqual({ collected: 1, passed: 1, failed: 0, skipped: 0, failures: [], fileErrors: [] });
  });
});
