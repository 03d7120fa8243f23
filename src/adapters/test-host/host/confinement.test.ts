// What confinement keeps working: the vitest features real suites use on a confined module (and the modules it
// uses), run through the real runner, warm pool and setup file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRunResult } from '../../../core/ports.js';
import { runtimeGuardFile } from '../paths.js';
import { createVitestRunner, type GroupRunner } from './vitest-runner.js';

const FILES: Record<string, string> = {
  'src/clock.ts': `export class ClockError extends Error {}
export let ticks = 0;
export function tick(): number { ticks++; return ticks; }
export function now(): number { return Date.now(); }
export function today(): string { return new Date().toISOString().slice(0, 10); }
export function later(callback: () => void): void { setTimeout(callback, 1000); }
export function roll(): number { return Math.floor(Math.random() * 6) + 1; }
export async function slowDouble(value: number): Promise<number> { await new Promise((resolve) => setTimeout(resolve, 1)); return value * 2; }
export function fail(): never { throw new ClockError('stopped'); }
export default function name(): string { return 'clock'; }
export const where = import.meta.url.endsWith('/src/clock.ts');
`,
  'src/auth.ts': `export function isSignedIn(user: string): boolean { return user === 'ada'; }\n`,
  'src/upload.ts': `import { isSignedIn } from './auth.ts';
export function upload(user: string): number { return isSignedIn(user) ? 201 : 403; }
export * from './auth.ts';
`,
  'src/shapes.ts': `export class Box { constructor(readonly items: string[]) {} get count(): number { return this.items.length; } }
export function inventory(): Map<string, Set<number>> { return new Map([['a', new Set([1, 2])]]); }
export function stamp(): { at: Date; tags: string[] } { return { at: new Date(0), tags: ['x'] }; }
export async function weather(): Promise<unknown> { return (await fetch('https://example.invalid/weather')).json(); }
export class Stack { #items = [1, 2]; get size(): number { return this.#items.length; } }
export const endpoint = (): URL => new URL('/a', 'https://api.example.com');
`,
  'src/locale.ts': `export const count = (n: number): string => n.toLocaleString('en-US');
export const sortNames = (names: string[]): string[] => [...names].sort((a, b) => a.localeCompare(b, 'en'));
export const day = (d: Date): string => d.toLocaleDateString('en-US', { timeZone: 'UTC' });
`,
  'src/forbidden.ts': `import { readFileSync } from 'node:fs';\nexport const read = () => readFileSync;\n`,
  'test/clock.test.ts': `import { afterEach, expect, it, vi } from 'vitest';
import name, { ClockError, fail, later, now, roll, slowDouble, tick, ticks, today, where } from '../src/clock.ts';
afterEach(() => { vi.useRealTimers(); vi.restoreAllMocks(); });
it('keeps live bindings and the default export', () => { expect(ticks).toBe(0); tick(); expect(ticks).toBe(1); expect(name()).toBe('clock'); });
it('follows fake timers and the system time', () => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2030-05-06T07:08:09Z'));
  expect(now()).toBe(Date.parse('2030-05-06T07:08:09Z'));
  expect(today()).toBe('2030-05-06');
  const callback = vi.fn();
  later(callback);
  vi.advanceTimersByTime(1000);
  expect(callback).toHaveBeenCalledOnce();
});
it('follows setSystemTime without fake timers', () => { vi.setSystemTime(new Date('2031-01-02T00:00:00Z')); expect(today()).toBe('2031-01-02'); vi.useRealTimers(); });
it('sees spies on Math.random and Date.now', () => {
  vi.spyOn(Math, 'random').mockReturnValue(0.99);
  expect(roll()).toBe(6);
  vi.spyOn(Date, 'now').mockReturnValue(42);
  expect(now()).toBe(42);
});
it('awaits async functions', async () => { await expect(slowDouble(4)).resolves.toBe(8); });
it('throws its own error class', () => { expect(fail).toThrow(ClockError); expect(fail).toThrow('stopped'); expect(fail).toThrowErrorMatchingInlineSnapshot(\`[Error: stopped]\`); });
it('knows its own URL', () => { expect(where).toBe(true); });
`,
  'test/upload.test.ts': `import { expect, it, vi } from 'vitest';
import { upload, isSignedIn } from '../src/upload.ts';
vi.mock('../src/auth.ts', () => ({ isSignedIn: vi.fn((user: string) => user === 'grace') }));
it('uses the mocked module it imports', () => { expect(upload('grace')).toBe(201); expect(upload('ada')).toBe(403); expect(isSignedIn).toHaveBeenCalledWith('ada'); });
`,
  'test/shapes.test.ts': `import { expect, it, vi } from 'vitest';
import { Box, endpoint, inventory, Stack, stamp, weather } from '../src/shapes.ts';
it('compares classes, maps, sets and dates', () => {
  const box = new Box(['a', 'b']);
  expect(box.count).toBe(2);
  expect(box).toBeInstanceOf(Box);
  expect(box).toEqual(new Box(['a', 'b']));
  expect(inventory()).toEqual(new Map([['a', new Set([2, 1])]]));
  expect(stamp()).toStrictEqual({ at: new Date(0), tags: ['x'] });
  expect(stamp()).toMatchInlineSnapshot(\`
    {
      "at": 1970-01-01T00:00:00.000Z,
      "tags": [
        "x",
      ],
    }
  \`);
  const listener = vi.fn();
  listener(stamp());
  expect(listener).toHaveBeenCalledWith({ at: new Date(0), tags: ['x'] });
});
it('compares getters over private fields and URLs', () => {
  expect(new Stack()).toHaveProperty('size', 2);
  expect(new Stack()).toMatchObject({ size: 2 });
  expect(endpoint()).toEqual(new URL('https://api.example.com/a'));
  expect(endpoint()).toHaveProperty('pathname', '/a');
});
it('calls the fetch a test stubbed', async () => {
  vi.stubGlobal('fetch', vi.fn(async () => ({ json: async () => ({ sky: 'clear' }) })));
  await expect(weather()).resolves.toEqual({ sky: 'clear' });
  vi.unstubAllGlobals();
});
it('refuses the real network to a module not granted fetch', async () => {
  await expect(weather()).rejects.toThrow(/fetch is not granted/);
});
`,
  'test/locale.test.ts': `import { expect, it } from 'vitest';
import { count, day, sortNames } from '../src/locale.ts';
it('formats and compares by locale', () => {
  expect(count(1234567)).toBe('1,234,567');
  expect(sortNames(['b', 'B', 'a', 'A'])).toEqual(['a', 'A', 'b', 'B']);
  expect(day(new Date(Date.UTC(2020, 0, 2)))).toBe('1/2/2020');
});
`,
  'test/forbidden.test.ts': `import { expect, it } from 'vitest';
import { read } from '../src/forbidden.ts';
it('loads', () => { expect(read).toBeDefined(); });
`,
};

let root: string;
let runner: GroupRunner;

beforeAll(async () => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ainative-confinement-')));
  for (const [file, text] of Object.entries(FILES)) {
    fs.mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  const modules = ['clock', 'auth', 'upload', 'shapes', 'locale', 'forbidden'].map((name) => ({
    file: path.join(root, `src/${name}.ts`),
    allow: [],
  }));
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
  it('keeps timers, spies, async code, its own errors, live exports and import.meta', async () => {
    const result = await runner.run(['test/clock.test.ts'], []);
    expect(failures(result)).toEqual([]);
    expect(result.passed).toBe(7);
  });

  it('imports the modules it uses through vitest, so vi.mock of them applies, and re-exports them', async () => {
    const result = await runner.run(['test/upload.test.ts'], []);
    expect(failures(result)).toEqual([]);
    expect(result.passed).toBe(1);
  });

  it('returns classes, maps, sets, dates and URLs that equality, snapshots and spies compare as before', async () => {
    const result = await runner.run(['test/shapes.test.ts'], []);
    expect(failures(result)).toEqual([]);
    expect(result.passed).toBe(4);
  });

  it('formats numbers and dates and compares strings by the locale it names, as Node does', async () => {
    const result = await runner.run(['test/locale.test.ts'], []);
    expect(failures(result)).toEqual([]);
    expect(result.passed).toBe(1);
  });

  it('cannot load a Node built-in its intent does not grant, and is told how to grant it', async () => {
    const result = await runner.run(['test/forbidden.test.ts'], []);
    expect(failures(result).join('\n')).toMatch(/the intent does not grant the Node built-in 'fs'; add `allow: \[fs\]`/);
  });
});
