// End-to-end: cheating modules run through the sandboxed runner (and so through the injected runtime guard) in
// every sandbox mode that works here, and none of them may come out green; legitimate tests must stay green.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BWRAP_WORKS, warnSkipped } from '../../../../test/helpers/bwrap.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRunResult } from '../../../core/ports.js';
import { createSandboxedRunner, type SandboxMode, type SandboxedRunner } from '../sandboxed-runner.js';

// 'required' must work wherever bwrap is installed (CI installs it); a broken install fails these tests loudly.
const MODES: SandboxMode[] = BWRAP_WORKS ? ['off', 'auto', 'required'] : ['off', 'auto'];
warnSkipped("the runtime-guard tests in sandbox mode 'required'");

const RUN_TIMEOUT_MS = 30_000;

/** A test file that checks `f` from ../src/cheat.ts honestly. */
const HONEST_TEST = [
  "import { expect, it } from 'vitest';",
  "import { f } from '../src/cheat.ts';",
  "it('returns 2', () => {",
  '  expect(f()).toBe(2);',
  '});',
  '',
].join('\n');

const EQUAL_TEST = [
  "import { expect, it } from 'vitest';",
  "import { f } from '../src/cheat.ts';",
  "it('returns the right object', () => {",
  '  expect(f()).toEqual({ answer: 2 });',
  '});',
  '',
].join('\n');

interface Cheat {
  name: string;
  module: string;
  test?: string;
  /** Expected in a failure or file error message, when the guard (rather than vitest) must be the one to object. */
  message?: RegExp;
}

/** Modules that try to make a false assertion pass; each must leave the run not green. */
const CHEATS: Cheat[] = [
  {
    name: 'Object.is replaced at import time',
    module: 'Object.is = () => true;\nexport function f() { return 1; }\n',
  },
  {
    name: 'Object.is replaced inside the function',
    module: 'export function f() { Object.is = () => true; return 1; }\n',
  },
  {
    name: 'Object.is replaced through defineProperty',
    module: "Object.defineProperty(Object, 'is', { value: () => true });\nexport function f() { return 1; }\n",
  },
  {
    name: 'the global Object swapped',
    module: '(globalThis as any).Object = { ...Object, is: () => true };\nexport function f() { return 1; }\n',
  },
  {
    name: 'toBe replaced in the matchers object',
    module: [
      "const registry = (globalThis as any)[Symbol.for('$$jest-matchers-object')];",
      'registry.matchers.toBe = function () {};',
      'export function f() { return 1; }',
      '',
    ].join('\n'),
  },
  {
    name: "toBe replaced on chai's Assertion.prototype",
    module: [
      "import { chai } from 'vitest';",
      'chai.Assertion.prototype.toBe = function () { return this; };',
      'export function f() { return 1; }',
      '',
    ].join('\n'),
  },
  {
    name: 'toBe redefined through expect.extend',
    module: [
      "import { expect } from 'vitest';",
      "expect.extend({ toBe: () => ({ pass: true, message: () => '' }) });",
      'export function f() { return 1; }',
      '',
    ].join('\n'),
  },
  {
    name: "vitest's toSatisfy replaced on chai's Assertion.prototype",
    module: [
      "import { chai } from 'vitest';",
      'chai.Assertion.prototype.toSatisfy = function () { return this; };',
      'export function f() { return 1; }',
      '',
    ].join('\n'),
    test: "import { expect, it } from 'vitest';\nimport { f } from '../src/cheat.ts';\nit('is two', () => { expect(f()).toSatisfy((n: number) => n === 2); });\n",
    message: /the toSatisfy matcher was replaced/,
  },
  {
    name: 'a custom equality tester that calls everything equal',
    module: [
      "import { expect } from 'vitest';",
      'expect.addEqualityTesters([() => true]);',
      'export function f() { return { answer: 1 }; }',
      '',
    ].join('\n'),
    test: EQUAL_TEST,
    message: /custom equality tester that calls different values equal/,
  },
  {
    name: 'the test marked as expected to fail',
    module: 'export function f() { (globalThis as any).__vitest_worker__.current.fails = true; return 1; }\n',
    message: /"fails" flag was replaced/,
  },
  {
    name: 'the test given retries',
    module:
      'let calls = 0;\nexport function f() { (globalThis as any).__vitest_worker__.current.retry = 3; return ++calls === 1 ? 1 : 2; }\n',
    message: /"retry" flag was replaced/,
  },
  {
    name: 'process.exit(0) at import time',
    module: 'process.exit(0);\nexport function f() { return 2; }\n',
  },
  {
    name: 'process.exit(0) at import time, caught',
    module: 'try { process.exit(0); } catch {}\nexport function f() { return 2; }\n',
    message: /ainative runtime guard: process\.exit\(0\) called during the test run/,
  },
  {
    name: 'process.exit(0) inside the function',
    module: 'export function f() { process.exit(0); return 2; }\n',
  },
  {
    name: 'process.exit(0) inside the function, caught',
    module: 'export function f() { try { process.exit(0); } catch {} return 2; }\n',
    message: /ainative runtime guard: process\.exit\(0\) called during the test run/,
  },
  {
    name: 'process.reallyExit(0), caught',
    module: 'export function f() { try { (process as any).reallyExit(0); } catch {} return 2; }\n',
    message: /ainative runtime guard: process\.reallyExit\(0\) called/,
  },
  {
    name: 'the own process killed, caught',
    module: "export function f() { try { process.kill(process.pid, 'SIGKILL'); } catch {} return 2; }\n",
    message: /ainative runtime guard: process\.kill\(\d+, SIGKILL\) called/,
  },
];

/** Legitimate tests the guard must leave green. */
const LEGIT_TEST = [
  "import { afterEach, expect, it, vi } from 'vitest';",
  "import { f } from '../src/cheat.ts';",
  '',
  'expect.extend({',
  '  toBeEven(received: number) {',
  '    return { pass: received % 2 === 0, message: () => `expected ${received} to be even` };',
  '  },',
  '});',
  'expect.addEqualityTesters([(a: unknown, b: unknown) => (a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : undefined)]);',
  'afterEach(() => { vi.useRealTimers(); vi.restoreAllMocks(); });',
  '',
  "it('uses a matcher added with expect.extend', () => {",
  '  (expect(f()) as any).toBeEven();',
  '  expect(() => (expect(3) as any).toBeEven()).toThrow(/to be even/);',
  '});',
  "it('spies on Math.random and fakes timers', () => {",
  "  vi.spyOn(Math, 'random').mockReturnValue(0.5);",
  '  expect(Math.random()).toBe(0.5);',
  '  vi.useFakeTimers();',
  '  let fired = false;',
  '  setTimeout(() => { fired = true; }, 1000);',
  '  vi.advanceTimersByTime(1000);',
  '  expect(fired).toBe(true);',
  '});',
  "it('assigns toString on an object and subclasses Array', () => {",
  '  const o: any = { a: 1 };',
  "  o.toString = () => 'custom';",
  "  expect(String(o)).toBe('custom');",
  '  class Stack extends Array<number> {}',
  '  const s = Stack.from([1, 2]);',
  '  expect([...s]).toEqual([1, 2]);',
  '});',
  "it('compares with the usual matchers', () => {",
  '  expect({ a: [1, new Set([2])], b: new Map([[1, 2]]) }).toEqual({ a: [1, new Set([2])], b: new Map([[1, 2]]) });',
  '  expect({ a: 1 }).not.toEqual({ a: 2 });',
  "  expect('hello world').toMatch(/world/);",
  "  expect('hello world').toContain('lo w');",
  '  expect(0.1 + 0.2).toBeCloseTo(0.3);',
  '  expect(new Date(5)).toEqual(new Date(5));',
  '  expect(expect.getState().currentTestName).toContain("usual matchers");',
  '});',
  "it('awaits promises, spies and stubs globals', async () => {",
  "  vi.stubGlobal('fetch', async () => new Response('stubbed'));",
  "  expect(await (await fetch('http://example.invalid')).text()).toBe('stubbed');",
  '  vi.unstubAllGlobals();',
  '  expect.assertions(6);',
  '  expect.soft(1).toBe(1);',
  '  await expect.poll(() => 3).toBe(3);',
  '  await expect(Promise.resolve(2)).resolves.toBe(2);',
  "  await expect(Promise.reject(new Error('no'))).rejects.toThrow('no');",
  '  const spy = vi.fn();',
  '  spy(1);',
  '  expect(spy).toHaveBeenCalledWith(1);',
  '});',
  "it('kills a child process it spawned', async () => {",
  "  const { spawn } = await import('node:child_process');",
  "  const child = spawn('sleep', ['30']);",
  "  const exited = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)));",
  "  process.kill(child.pid!, 'SIGTERM');",
  "  expect(await exited).toBe('SIGTERM');",
  '});',
  "it('uses the expect of the test context', ({ expect: local }) => {",
  '  local(f()).toBe(2);',
  '  local({ a: 1 }).toEqual({ a: 1 });',
  '});',
  '',
].join('\n');
const LEGIT_TESTS = 7;

const roots: string[] = [];

afterAll(() => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

function makeRepo(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ainative-guard-'));
  roots.push(root);
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
  }
  return root;
}

function isGreen(result: TestRunResult, tests: number): boolean {
  return result.collected === tests && result.passed === tests && result.failed === 0 && result.fileErrors.length === 0;
}

function messages(result: TestRunResult): string {
  return [...result.failures.map((f) => f.message), ...result.fileErrors.map((e) => e.message)].join('\n');
}

describe.each(MODES)('the runtime guard with sandbox %s', (mode) => {
  let runner: SandboxedRunner;
  let root: string;

  beforeAll(async () => {
    const files: Record<string, string> = { 'src/cheat.ts': 'export function f() { return 2; }\n', 'test/legit.test.ts': LEGIT_TEST };
    CHEATS.forEach((cheat, index) => {
      files[`src/cheat${index}.ts`] = cheat.module;
      files[`test/cheat${index}.test.ts`] = (cheat.test ?? HONEST_TEST).replace("'../src/cheat.ts'", `'../src/cheat${index}.ts'`);
    });
    root = makeRepo(files);
    runner = await createSandboxedRunner({
      root,
      configFile: false,
      sandbox: mode,
      runTimeoutMs: RUN_TIMEOUT_MS,
      env: process.env,
      hiddenPaths: [],
    });
    // Wherever bwrap is installed it must work (CI installs it); 'auto' then sandboxes too.
    if (mode !== 'off') expect(runner.tier).toBe(BWRAP_WORKS ? 'bwrap' : 'permission');
  });

  afterAll(async () => {
    await runner?.close();
  });

  it('leaves legitimate tests green: expect.extend, equality testers, spies, fake timers, child processes, context expect', async () => {
    const result = await runner.run(['test/legit.test.ts'], []);
    expect(result.failures).toEqual([]);
    expect(result).toEqual({ collected: LEGIT_TESTS, passed: LEGIT_TESTS, failed: 0, skipped: 0, failures: [], fileErrors: [] });
  });

  it('lets the honest module pass the honest test', async () => {
    fs.writeFileSync(path.join(root, 'test/plain.test.ts'), HONEST_TEST);
    expect(isGreen(await runner.run(['test/plain.test.ts'], []), 1)).toBe(true);
  });

  it.each(CHEATS.map((cheat, index) => ({ ...cheat, index })))('turns "$name" into a failure', async ({ index, message }) => {
    const result = await runner.run([`test/cheat${index}.test.ts`], []);
    expect(isGreen(result, 1), JSON.stringify(result)).toBe(false);
    expect(result.failed + result.fileErrors.length).toBeGreaterThan(0);
    if (message) expect(messages(result)).toMatch(message);
  });
});
