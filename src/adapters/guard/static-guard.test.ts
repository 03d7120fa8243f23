import { describe, expect, it } from 'vitest';
import type { TypeProblem } from '../../core/ports.js';
import { findUnsafeCode, GUARDED_NODE_MODULES, type StaticGuardOptions } from './static-guard.js';

const OPTIONS: StaticGuardOptions = {
  modulePath: 'src/cart.ts',
  code: '',
  protectedPaths: ['test/cart.test.ts', 'test/cart.holdout.test.ts', 'intents/cart.md', 'ainative.lock'],
  testDirs: ['test'],
  allow: [],
  // The pattern rules below judge modules that run in the test realm; confined ones are judged further down too.
  isolation: 'shared',
};

function guard(code: string, options: Partial<StaticGuardOptions> = {}): TypeProblem[] {
  return findUnsafeCode({ ...OPTIONS, ...options, code });
}

/** The 1-based line of `code` holding `needle`; the needle must be on exactly one line. */
function lineOf(code: string, needle: string): number {
  const lines = code.split('\n').flatMap((text, i) => (text.includes(needle) ? [i + 1] : []));
  if (lines.length !== 1) throw new Error(`needle ${JSON.stringify(needle)} is on ${lines.length} lines`);
  return lines[0];
}

/**
 * Asserts that the line of each needle has a problem whose message contains the fragment, and that no other line
 * has one: every case is an attack that must be caught, every other line is innocent.
 */
function expectFlagged(code: string, cases: [needle: string, fragment: string][], options = {}): TypeProblem[] {
  const problems = guard(code, options);
  for (const [needle, fragment] of cases) {
    expect(problems, needle).toContainEqual({ line: lineOf(code, needle), message: expect.stringContaining(fragment) });
  }
  const flaggedLines = new Set(cases.map(([needle]) => lineOf(code, needle)));
  expect(problems.filter((p) => !flaggedLines.has(p.line ?? 0))).toEqual([]);
  for (const { message } of problems) expect(message).toMatch(/^unsafe code: [^\n]+$/);
  return problems;
}

function lines(...code: string[]): string {
  return code.join('\n');
}

describe('findUnsafeCode', () => {
  it('flags process.exit and its siblings however they are reached', () => {
    expect(guard(lines('export const a = 1;', 'process.exit(0);'))).toEqual([
      { message: 'unsafe code: process.exit() ends the test run early; throw an error instead', line: 2 },
    ]);
    const code = lines(
      'const quit = process.exit; quit(0);',
      "process['exit'](1);",
      'const { exit } = process;',
      'const { exit: leave, env } = process;',
      'globalThis.process.exit(2);',
      "(globalThis as any)['process']?.reallyExit?.(0);",
      'process.kill(process.pid);',
      'process.abort();',
      "process.binding('fs');",
      "process.dlopen(module, 'x.node');",
      "process.getBuiltinModule('child_process');",
      'const p = process; p.exit();',
      'const { env: e2, ...others } = process;',
      'const key = "exit"; process[key]();',
      '({ exit } = process);',
      'process.\\u0065xit(3);',
      "process['ex' + 'it'](4);",
      'export const env = process.env.PORT;',
    );
    expectFlagged(code, [
      ['const quit', 'process.exit() ends the test run early'],
      ["process['exit']", 'process.exit() ends the test run early'],
      ['const { exit } = process', 'process.exit() ends the test run early'],
      ['exit: leave', 'process.exit() ends the test run early'],
      ['globalThis.process.exit', 'process.exit() ends the test run early'],
      ['reallyExit', 'process.reallyExit() ends the test run early'],
      ['process.kill', 'process.kill() can signal the test runner'],
      ['process.abort', 'process.abort() kills the test worker'],
      ['process.binding', 'process.binding() reaches Node internals'],
      ['process.dlopen', 'process.dlopen() loads native code'],
      ['getBuiltinModule', 'process.getBuiltinModule() loads Node built-ins'],
      ['const p = process', 'process is used as a value'],
      ['...others', 'a rest pattern on process captures process.exit()'],
      ['process[key]', 'process[…] with a computed key'],
      ['({ exit } = process)', 'process.exit() ends the test run early'],
      ['u0065xit', 'process.exit() ends the test run early'],
      ["'ex' + 'it'", 'process.exit() ends the test run early'],
    ]);
  });

  it('lets the module read the environment', () => {
    const code = lines(
      "const port = Number(process.env.PORT ?? '3000');",
      'const { env } = process;',
      "const { NODE_ENV = 'development' } = process.env;",
      "export const inNode = typeof process !== 'undefined' && process.argv.length > 0 && port > 0;",
      "export const mode = env.MODE ?? NODE_ENV ?? process.env['MODE'];",
    );
    expect(guard(code)).toEqual([]);
  });

  it('flags imports of the test framework in every form', () => {
    const code = lines(
      "import { expect } from 'vitest';",
      "import * as runner from '@vitest/runner';",
      "export { describe } from 'vitest';",
      "import chai from 'chai';",
      "const jestGlobals = require('@jest/globals');",
      "const expectLib = await import('expect');",
      "import type { Mock } from 'vitest';",
      "import { createServer } from 'vite';",
      "import test from 'node:test';",
      "import lodash from 'lodash-es';",
    );
    expectFlagged(code, [
      ['import { expect }', "importing 'vitest' reaches the test framework that judges this module"],
      ['@vitest/runner', "importing '@vitest/runner' reaches the test framework"],
      ['export { describe }', "importing 'vitest' reaches the test framework"],
      ["'chai'", "importing 'chai' reaches the test framework"],
      ['@jest/globals', "importing '@jest/globals' reaches the test framework"],
      ["import('expect')", "importing 'expect' reaches the test framework"],
      ["'vite'", "importing 'vite' reaches the test framework"],
      ['node:test', "importing 'node:test' reaches the test framework"],
    ]);
  });

  it('flags imports and strings that reach the tests or protected files', () => {
    const code = lines(
      "import expected from '../test/cart.test.ts';",
      "import '../test/cart.test';",
      "import { fixtures } from '../test/fixtures.ts';",
      "export * from './cart.spec.js';",
      "import intent from '../intents/cart.md?raw';",
      "const holdout = await import('../test/cart.holdout.test.js');",
      "const text = readFileSync('test/cart.test.ts', 'utf8');",
      "const dir = path.join(__dirname, '../test');",
      "const slash = './test/';",
      "const parts = path.join(__dirname, '..', 'test');",
      "const glued = '../te' + 'st/';",
      'const templated = `${root}/test/${name}`;',
      "const lock = read('ainative.lock');",
      "const url = new URL('../test/cart.test.ts', import.meta.url);",
      "import { seed } from '#test/seed.js';",
      "const innocent = ['test', 'testing', 'test mode', 'latest', 'contest', '/api/test', 'https://example.test/test/'];",
    );
    expectFlagged(code, [
      ['import expected', "importing '../test/cart.test.ts' reads the protected file 'test/cart.test.ts'"],
      ["'../test/cart.test'", "importing '../test/cart.test' reads the protected file 'test/cart.test.ts'"],
      ['fixtures.ts', "importing '../test/fixtures.ts' reads the test folder 'test'"],
      ['cart.spec.js', "importing './cart.spec.js' reads a test file"],
      ['cart.md?raw', "reads the protected file 'intents/cart.md'"],
      ['cart.holdout.test.js', "reads the protected file 'test/cart.holdout.test.ts'"],
      ['readFileSync', "the string 'test/cart.test.ts' names the protected file 'test/cart.test.ts'"],
      ["'../test')", "the string '../test' names the test folder 'test'"],
      ['const slash', "the string './test/' names the test folder 'test'"],
      ["'..', 'test'", "the string 'test' builds a path to the test folder"],
      ['glued', "the string '../test/' names the test folder 'test'"],
      ['templated', "the string '/test/' names the test folder 'test'"],
      ['ainative.lock', "names the protected file 'ainative.lock'"],
      ['new URL', "the string '../test/cart.test.ts' names the protected file"],
      ['#test/seed.js', "importing '#test/seed.js' reads the test folder 'test'"],
    ]);
  });

  it('flags code the guard cannot read: eval, Function, computed loads, createRequire, vm', () => {
    const code = lines(
      "eval('1 + 1');",
      "const indirect = (0, eval)('this');",
      "globalThis['eval']('1');",
      "const f = new Function('a', 'return a');",
      "const g = Function('return this')();",
      'const F = Function;',
      'const mod = await import(name);',
      'const viaTemplate = await import(`./${name}.js`);',
      'const req = require(name);',
      'const r = require;',
      "import { createRequire } from 'node:module';",
      "const { createRequire: make } = await import('module');",
      "import vm from 'node:vm';",
      "const ctor = [].constructor.constructor('return process')();",
      "const globbed = import.meta.glob('../**/*.ts', { eager: true });",
      'export const ok = items instanceof Function ? fn.constructor.name : String(fn);',
    );
    expectFlagged(code, [
      ["eval('1 + 1')", 'eval() runs code the guard cannot inspect'],
      ['(0, eval)', 'eval() runs code'],
      ["globalThis['eval']", 'eval() runs code'],
      ['new Function', 'the Function constructor runs code built from strings'],
      ["Function('return this')", 'the Function constructor runs code'],
      ['const F = Function', 'the Function constructor runs code'],
      ['import(name)', 'import() with a computed specifier can load any file'],
      ['viaTemplate', 'import() with a computed specifier'],
      ['require(name)', 'require() with a computed specifier'],
      ['const r = require', 'require used as a value'],
      ["import { createRequire } from 'node:module'", 'createRequire() builds a require()'],
      ['createRequire: make', 'createRequire() builds a require()'],
      ["import vm from 'node:vm'", "importing 'node:vm' reaches code built from strings"],
      ['[].constructor', '.constructor used this way can reach the Function constructor'],
      ['import.meta.glob', 'import.meta.glob() loads files by pattern'],
    ]);
  });

  it('flags writes to globals, built-ins and the test framework', () => {
    const code = lines(
      'globalThis.cache = new Map();',
      'global.counter += 1;',
      "window['flag'] = true;",
      'delete globalThis.fetch;',
      'Object.is = () => true;',
      "(Object as any)['keys'] = () => [];",
      'Array.prototype.map = function () { return []; };',
      'String.prototype.trim = null as any;',
      'Function.prototype.call = null as any;',
      'JSON.stringify = () => "{}";',
      'Math.random = () => 4;',
      'globalThis.Promise.all = null as any;',
      "Object.defineProperty(globalThis, 'x', { value: 1 });",
      "Object.defineProperty(Array.prototype, 'sum', { value: 1 });",
      "Reflect.set(Object, 'is', () => true);",
      'Object.assign(globalThis, { helper: 1 });',
      'Object.setPrototypeOf(Number.prototype, null);',
      'items.__proto__ = proxy;',
      'expect.extend({ toBe: () => ({ pass: true }) });',
      'vi.spyOn(Object, "is");',
      "const state = Symbol.for('$$jest-matchers-object');",
      'const worker = (globalThis as any).__vitest_worker__;',
      'export const fake = { asymmetricMatch: () => true };',
      'const g = globalThis;',
      'const AP = Array.prototype;',
      'Object.getPrototypeOf([]).push = null as any;',
      'undeclaredGlobal = 5;',
      'const { prototype: arrayProto } = Array;',
      'const { process: proc, fetch } = globalThis;',
    );
    expectFlagged(code, [
      ['globalThis.cache', 'assigning to globalThis.cache patches global state shared with the tests'],
      ['global.counter', 'assigning to global.counter patches global state'],
      ["window['flag']", "assigning to window['flag'] patches global state"],
      ['delete globalThis.fetch', 'deleting globalThis.fetch patches global state'],
      ['Object.is =', 'assigning to Object.is patches the built-in Object that the tests rely on'],
      ["['keys']", 'patches the built-in Object'],
      ['Array.prototype.map', 'assigning to Array.prototype.map patches the built-in Array'],
      ['String.prototype.trim', 'patches the built-in String'],
      ['Function.prototype.call', 'patches the built-in Function'],
      ['JSON.stringify', 'patches the built-in JSON'],
      ['Math.random', 'patches the built-in Math'],
      ['globalThis.Promise.all', 'assigning to globalThis.Promise.all patches the built-in Promise'],
      ['defineProperty(globalThis', 'Object.defineProperty() on globalThis patches global state'],
      ['defineProperty(Array.prototype', 'Object.defineProperty() on Array.prototype patches global state'],
      ['Reflect.set', 'Reflect.set() on Object patches global state'],
      ['Object.assign(globalThis', 'Object.assign() on globalThis'],
      ['Number.prototype, null', 'Object.setPrototypeOf() on Number.prototype'],
      ['__proto__', '__proto__ reaches and rewrites shared prototypes'],
      ['expect.extend', "expect is the test framework's global"],
      ['vi.spyOn', "vi is the test framework's global"],
      ['$$jest-matchers-object', "Symbol.for('$$jest-matchers-object') reaches the test framework's shared state"],
      ['__vitest_worker__', "__vitest_worker__ is part of the test runner's internals"],
      ['asymmetricMatch', 'asymmetricMatch makes a value equal anything'],
      ['const g = globalThis', 'globalThis used as a value'],
      ['const AP', 'Array.prototype used as a value hides later writes'],
      ['getPrototypeOf([]).push', 'patches a shared prototype'],
      ['undeclaredGlobal', 'assigning to undeclaredGlobal patches global state'],
      ['arrayProto', 'Array.prototype used as a value hides later writes'],
      ['process: proc', 'globalThis used as a value'],
    ]);
  });

  it("flags the test runner's wrapper, call-site sniffing and values that impersonate matchers", () => {
    const code = lines(
      "const load = __vite_ssr_dynamic_import__('../x.js');",
      'const wrapperArgs = arguments[3];',
      'const viaArrow = () => arguments[2];',
      'export function count() { return arguments.length; }',
      'export const anything = new Proxy({}, { has: () => true, get: () => () => true });',
      'const { proxy } = Proxy.revocable({}, makeHandler());',
      'const traps = { get: (t: object, k: string) => k.length };',
      'export const logged = new Proxy({}, traps);',
      'const later = { get: () => 1 };',
      'Object.assign(later, { has: () => true }); export const patched = new Proxy({}, later);',
      "const matcher = { ['asymmetric' + 'Match']: () => true };",
      'class Sneaky extends Function {}',
      "Object.defineProperty(process, 'exit', { value: () => {} });",
      'const caller = new Error().stack;',
      'const underTest = process.env.VITEST_WORKER_ID;',
    );
    expectFlagged(code, [
      ['__vite_ssr_dynamic_import__', "__vite_ssr_dynamic_import__ is part of the test runner's internals"],
      ['wrapperArgs', "arguments outside a function is the test runner's module wrapper"],
      ['viaArrow', "arguments outside a function is the test runner's module wrapper"],
      ['export const anything', 'a Proxy with a has trap can pose as a test matcher'],
      ['Proxy.revocable', 'a Proxy whose handler is not an object literal in this module'],
      ['patched', 'a Proxy whose handler is not an object literal in this module'],
      ['asymmetric', "the string 'asymmetricMatch' names the test framework's internals"],
      ['Sneaky', 'the Function constructor runs code built from strings'],
      ['defineProperty(process', 'Object.defineProperty() on process patches global state'],
      ['new Error().stack', 'reading the stack of a fresh Error tells the module which test calls it'],
      ['VITEST_WORKER_ID', 'process.env.VITEST_WORKER_ID tells the module it is under test'],
    ]);
  });

  it('judges locals that shadow a global as locals', () => {
    const code = lines(
      'export function run(process: { exit(code: number): void }, self: { x: number }) {',
      '  process.exit(0);',
      '  self.x = 1;',
      '}',
      'export function local() {',
      '  const Object = { is: (a: unknown, b: unknown) => a === b };',
      '  Object.is = () => false;',
      '  let global = { count: 0 };',
      '  global.count += 1;',
      '  return [Object, global];',
      '}',
      'declare const expect: unknown;',
      'export const declared = expect;',
    );
    // `declare` creates nothing, so the last line still reaches the real global.
    expectFlagged(code, [['export const declared', "expect is the test framework's global"]]);
  });

  it('refuses, for a confined module, every built-in and package its intent does not grant, and no project import', () => {
    const code = lines(
      "import { createHash } from 'node:crypto';",
      "import path from 'path';",
      "import { z } from 'zod';",
      "import { render } from '@scope/ui/server';",
      "import { readFileSync } from 'node:fs';",
      "import { tax } from './tax.ts';",
      "import { money } from '#lib/money';",
    );
    const problems = expectFlagged(
      code,
      [
        ["'node:crypto'", `needs the Node built-in 'crypto', which the intent does not grant`],
        ["'path'", 'add "allow: [path]"'],
        ["'zod'", "needs the package 'zod'"],
        ['@scope/ui/server', 'add "allow: [@scope/ui]"'],
      ],
      { isolation: 'confined', allow: ['fs'] },
    );
    expect(problems).toHaveLength(4);
  });

  it('refuses guarded Node built-ins unless the intent allows them', () => {
    const code = lines(
      "import { readFileSync } from 'node:fs';",
      "import { readFile } from 'fs/promises';",
      "import { execSync } from 'child_process';",
      "const { Worker } = await import('node:worker_threads');",
      "const net = require('net');",
      "import proc from 'node:process';",
      "import { createHash } from 'node:crypto';",
      "import http from 'node:http';",
    );
    const problems = expectFlagged(code, [
      ["'node:fs'", "importing 'node:fs' reaches the file system"],
      ['fs/promises', 'add "allow: [fs]" to the intent\'s frontmatter'],
      ['child_process', 'add "allow: [child_process]"'],
      ['worker_threads', "importing 'node:worker_threads' reaches other threads"],
      ["require('net')", 'add "allow: [net]"'],
      ['node:process', 'add "allow: [process]"'],
    ]);
    expect(problems[0]).toEqual({
      message:
        "unsafe code: importing 'node:fs' reaches the file system, outside the module's job; if the intent really needs it, add \"allow: [fs]\" to the intent's frontmatter",
      line: 1,
    });
  });

  it('lets allowed built-ins through, and only those', () => {
    const code = lines(
      "import { readFileSync } from 'node:fs';",
      "import { readFile } from 'fs/promises';",
      "import { execSync } from 'node:child_process';",
      "export const text = readFileSync('data.json', 'utf8') + String(readFile) + String(execSync);",
    );
    expectFlagged(code, [['child_process', 'add "allow: [child_process]"']], { allow: ['fs'] });
    expect(guard(code, { allow: ['node:fs', 'node:child_process'] })).toEqual([]);
  });

  it('still refuses process.exit when the process module is allowed', () => {
    const code = lines("import proc, { exit, argv } from 'node:process';", 'export const args = argv.slice(2);', 'proc.exit(1);');
    expectFlagged(
      code,
      [
        ['{ exit, argv }', 'process.exit() ends the test run early'],
        ['proc.exit', 'process.exit() ends the test run early'],
      ],
      { allow: ['process'] },
    );
  });

  it('flags patches of shared Node modules', () => {
    const code = lines("import path from 'node:path';", 'path.join = () => "";', 'export const sep = path.sep;');
    expectFlagged(code, [['path.join', "assigning to path.join patches the Node module 'node:path'"]]);
  });

  it('reports each violation once per line', () => {
    const problems = guard(lines('process.exit(0); process.exit(1);', 'process.exit(2);'));
    expect(problems.map((p) => p.line)).toEqual([1, 2]);
  });

  it('fails closed on code nested too deeply to inspect', () => {
    const code = `export const x = ${'('.repeat(5000)}1${')'.repeat(5000)};`;
    expect(guard(code)).toEqual([{ message: 'unsafe code: the module is nested too deeply for the guard to inspect; flatten it' }]);
  });

  it('passes a realistic clean module', () => {
    expect(guard(CLEAN_MODULE, { modulePath: 'src/upload.ts' })).toEqual([]);
  });

  it('lists the guarded Node built-ins', () => {
    expect(GUARDED_NODE_MODULES).toEqual(
      expect.arrayContaining(['fs', 'fs/promises', 'child_process', 'worker_threads', 'vm', 'module', 'process', 'net']),
    );
    expect(GUARDED_NODE_MODULES).not.toContain('crypto');
    expect(GUARDED_NODE_MODULES).not.toContain('http');
  });
});

const CLEAN_MODULE = `import { createHash, randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export interface Upload { id: string; name: string; size: number; sha256: string }
export type Mode = 'test mode' | 'live';

const MAX_BYTES = Number(process.env.MAX_BYTES ?? 1_000_000);
const TAGS = ['latest', 'contest', 'test', 'testing'];

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'HttpError';
    Object.setPrototypeOf(this, HttpError.prototype);
  }

  describe(): string {
    return \`\${this.constructor.name} \${this.status}\`;
  }
}

export class Store<T extends { id: string }> {
  private readonly items = new Map<string, T>();

  add(item: T): T {
    this.items.set(item.id, item);
    return item;
  }

  find(predicate: (item: T) => boolean): T | undefined {
    return [...this.items.values()].find(predicate);
  }

  get size(): number {
    return this.items.size;
  }

  [Symbol.iterator](): Iterator<T> {
    return this.items.values();
  }
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).length;
    if (total > limit) throw new HttpError(413, 'payload too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function createUploadHandler(store: Store<Upload>, mode: Mode = 'live') {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const controller = new AbortController();
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      if (url.pathname !== '/api/uploads') throw new HttpError(404, \`no route \${url.pathname}\`);
      const body = await readBody(req, MAX_BYTES);
      const name = path.basename(String(req.headers['x-file-name'] ?? 'upload.bin'));
      const sha256 = createHash('sha256').update(body).digest('hex');
      const upload = store.add({ id: randomUUID(), name, size: body.length, sha256 });
      await delay(0, undefined, { signal: controller.signal });
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...upload, mode, tags: TAGS.filter((t) => t !== 'test').map(String) }));
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      res.writeHead(status).end(error instanceof Error ? error.message : 'unknown error');
    } finally {
      controller.abort();
    }
  };
}

export function startServer(store = new Store<Upload>()): http.Server {
  const port = Number(process.env.PORT ?? 3000);
  const testing = typeof process !== 'undefined' && process.env.NODE_ENV === 'test';
  const server = http.createServer(createUploadHandler(store, testing ? 'test mode' : 'live'));
  server.listen(port);
  return server;
}

export function summarize(uploads: Upload[]): Record<string, number> {
  const self = { total: 0, largest: 0 };
  for (const upload of uploads) {
    self.total += upload.size;
    self.largest = Math.max(self.largest, upload.size);
  }
  const { max } = Math;
  const { isArray } = Array;
  const sizes = (isArray(uploads) ? uploads : []).map((u) => max(u.size, 0)).map(Number).filter(Boolean);
  return Object.freeze({ ...self, count: sizes.length, unique: new Set(sizes).size });
}
`;
