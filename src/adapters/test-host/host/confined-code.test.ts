// What a confined module's own code may do: the Node built-ins its intent grants, the CommonJS names vitest gives
// every module, and source text that SES's evaluator would otherwise refuse.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRunResult } from '../../../core/ports.js';
import { runtimeGuardFile } from '../paths.js';
import { createVitestRunner, type GroupRunner } from './vitest-runner.js';

const FILES: Record<string, string> = {
  'src/granted.ts': `import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { createHash } from 'node:crypto';
const __filename = fileURLToPath(import.meta.url);
const __dirname = path.dirname(__filename);
export const dataFile = (): string => path.join(__dirname, 'data.json');
export const show = (n: number): string => format('n=%d', n);
export const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');
export function tamper(): string[] {
  const refused: string[] = [];
  for (const target of [path, (path as { default?: object }).default ?? path, createHash.prototype]) {
    try { (target as Record<string, unknown>).join = () => 'tampered'; } catch { refused.push('refused'); }
  }
  return refused;
}
`,
  'src/texts.ts': `export const advice = (): string => 'load it lazily with import("./heavy.js")';
export const hide = (html: string): string => '<!-- ' + html + ' -->';
export const warning = (who: string): string => \`never eval(input) from \${who}: \\\`import (x)\\\` -->\`;
export const plain = \`eval(1) <!-- x\`;
export const raw = String.raw\`a\`;
export const comment = /<!--(.*?)-->/g;
export const keyed = { 'import(': 1, method: { 'eval('() { return 2; } } };
export class Keyed { 'import /* x */' = 3; get 'eval ('() { return 4; } }
const { 'import(': taken } = keyed;
export const destructured = taken;
type Shape = { 'import(': number };
export const typed: Shape = { 'import(': 5 };
export const sizes = ['-->'.length, typeof 'eval(', 2 + 3 + '<!--' + 4];
`,
  'src/evals.ts': `export const run = (code: string): unknown => eval(code);
`,
  'test/texts.test.ts': `import { expect, it } from 'vitest';
import * as t from '../src/texts.ts';
it('keeps the values of literals that look like imports, evals or HTML comments', () => {
  expect(t.advice()).toBe('load it lazily with import("./heavy.js")');
  expect(t.hide('x')).toBe('<!-- x -->');
  expect(t.warning('you')).toBe('never eval(input) from you: \\\`import (x)\\\` -->');
  expect(t.plain).toBe('eval(1) <!-- x');
  expect(t.raw).toBe('a');
  expect('a <!--b--> c'.replace(t.comment, '[$1]')).toBe('a [b] c');
  expect(t.keyed['import(']).toBe(1);
  expect(t.keyed.method['eval(']()).toBe(2);
  expect(Object.entries(new t.Keyed())).toEqual([['import /* x */', 3]]);
  expect(Object.getOwnPropertyNames(t.Keyed.prototype)).toContain('eval (');
  expect(t.destructured).toBe(1);
  expect(t.typed).toEqual({ 'import(': 5 });
  expect(t.sizes).toEqual([3, 'string', '5<!--4']);
});
`,
  'test/evals.test.ts': `import { expect, it } from 'vitest';
import { run } from '../src/evals.ts';
it('loads', () => { expect(run).toBeDefined(); });
`,
  'src/emitter.ts': `import { EventEmitter } from 'node:events';
export function tamper(): string {
  try { EventEmitter.prototype.emit = () => false; return 'changed'; } catch { return 'refused'; }
}
`,
  'test/emitter.test.ts': `import { expect, it } from 'vitest';
import { tamper } from '../src/emitter.ts';
it('cannot rewrite EventEmitter for the tests', () => { expect(tamper()).toBe('refused'); });
`,
  'src/paths.ts': `export const nextToMe = (): string => __dirname + '/data.json';
export const me = (): string => __filename;
export function rebind(): string[] {
  const refused: string[] = [];
  for (const name of ['Math', 'Object', 'Date', 'console', '__dirname']) {
    try { (globalThis as Record<string, unknown>)[name] = {}; } catch { refused.push(name); }
  }
  (globalThis as Record<string, unknown>).added = 1;
  return refused;
}
`,
  'test/paths.test.ts': `import { expect, it } from 'vitest';
import { me, nextToMe } from '../src/paths.ts';
it('__dirname and __filename', () => {
  expect(nextToMe()).toMatch(/\\/src\\/data\\.json$/);
  expect(me()).toMatch(/\\/src\\/paths\\.ts$/);
});
`,
  'test/globals.test.ts': `import { expect, it } from 'vitest';
import { rebind } from '../src/paths.ts';
it('constant globals', () => { expect(rebind()).toEqual(['Math', 'Object', 'Date', 'console', '__dirname']); });
`,
  'test/granted.test.ts': `import { expect, it } from 'vitest';
import { dataFile, sha1, show, tamper } from '../src/granted.ts';
it('path and url', () => { expect(dataFile()).toMatch(/src\\/data\\.json$/); });
it('util', () => { expect(show(3)).toBe('n=3'); });
it('crypto', () => { expect(sha1('abc')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d'); });
it('cannot change them for the tests', async () => {
  expect(tamper()).toEqual(['refused', 'refused', 'refused']);
  expect((await import('node:path')).default.join('a', 'b')).toBe('a/b');
});
`,
};

const ALLOW: Record<string, string[]> = {
  granted: ['path', 'url', 'util', 'crypto'],
  emitter: ['events'],
  paths: [],
  texts: [],
  evals: [],
};

let root: string;
let runner: GroupRunner;

beforeAll(async () => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ainative-confined-code-')));
  for (const [file, text] of Object.entries(FILES)) {
    fs.mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  const modules = Object.entries(ALLOW).map(([name, allow]) => ({ file: path.join(root, `src/${name}.ts`), allow }));
  runner = await createVitestRunner({
    root,
    setupFiles: [runtimeGuardFile()],
    confinement: { modules, fsPolicy: { root, writable: [os.tmpdir()], denied: [path.join(root, 'test')] } },
  });
});

afterAll(async () => {
  await runner?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

function failures(result: TestRunResult): string[] {
  return [...result.failures.map((failure) => `${failure.name}: ${failure.message}`), ...result.fileErrors.map((error) => error.message)];
}

describe('a confined module', () => {
  it('uses the Node built-ins its intent grants, and cannot change them for the tests', async () => {
    const result = await runner.run(['test/granted.test.ts'], []);
    expect(failures(result)).toEqual([]);
    expect(result.passed).toBe(4);
  });

  it('knows its own file by the CommonJS names vitest gives every module, or declares them itself', async () => {
    const result = await runner.run(['test/paths.test.ts', 'test/granted.test.ts'], []);
    expect(failures(result)).toEqual([]);
    expect(result.passed).toBe(5);
  });

  // SES compiles the global object's read-only properties into constants; the others it looks up through a proxy at
  // every use, which made a hot loop naming Math or Object many times slower than unconfined.
  it('has its globals as constants: it can add globals, not rebind those it was given', async () => {
    const result = await runner.run(['test/globals.test.ts'], []);
    expect(failures(result)).toEqual([]);
    expect(result.passed).toBe(1);
  });

  it('holds strings, templates and regexps that merely look like import(, eval( or an HTML comment', async () => {
    const result = await runner.run(['test/texts.test.ts'], []);
    expect(failures(result)).toEqual([]);
    expect(result.passed).toBe(1);
  });

  it('still may not call eval', async () => {
    const result = await runner.run(['test/evals.test.ts'], []);
    expect(failures(result).join('\n')).toMatch(/SES_EVAL_REJECTED/);
  });

  // Were EventEmitter.prototype left writable, a module could replace `emit` and be handed `process` as `this`.
  it('is granted events frozen: it cannot rewrite what every emitter of the test realm inherits', async () => {
    const result = await runner.run(['test/emitter.test.ts'], []);
    expect(failures(result)).toEqual([]);
    expect(result.passed).toBe(1);
  });
});
