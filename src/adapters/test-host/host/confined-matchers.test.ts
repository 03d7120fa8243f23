// How matchers treat what a confined module returns: values decided by identity pass as they are, values that could
// answer the matcher themselves are copied or refused, however the module hands them out.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRunResult } from '../../../core/ports.js';
import { runtimeGuardFile } from '../paths.js';
import { createVitestRunner, type GroupRunner } from './vitest-runner.js';

const FILES: Record<string, string> = {
  'src/values.ts': `export function store<T extends object>(initial: T): T { return new Proxy({ ...initial }, {}); }
const seen: unknown[] = [];
export const nosy = (): object => ({ ['asymmetric' + 'Match']: (expected: unknown) => { seen.push(expected); return false; } });
export const nosyProxy = (): object => new Proxy({}, { get: (_target, key) => (key === 'then' ? undefined : nosy()) });
export const seenSoFar = (): string => JSON.stringify(seen);
const matcher = { ['asymmetric' + 'Match']: () => true };
export class Sly { get inner(): unknown { return matcher; } }
const withSlyGetter = (base: any) => class extends base { get inner(): unknown { return matcher; } };
export const slyOnes = (): object[] => [Array, Error, Map, Set, Date, RegExp, Uint8Array, Promise].map((base) =>
  Reflect.construct(withSlyGetter(base), base === Promise ? [() => {}] : base === RegExp ? ['x'] : []));
`,
  'test/identity.test.ts': `import { expect, it } from 'vitest';
import { nosy, nosyProxy, seenSoFar, store } from '../src/values.ts';
it('takes a proxy', () => {
  const s = store({ a: 1 });
  expect(s).toBe(s);
  expect(s).toBeTruthy();
  expect(s).toBeDefined();
  expect(s).not.toBeNull();
  expect(s).toBeTypeOf('object');
});
it('fails toBe', () => { expect(nosy()).toBe('secret'); });
it('fails toBe through a proxy', () => { expect(nosyProxy()).toBe({ answer: 'secret' }); });
it('passes not.toBe', () => { expect(store({})).not.toBe({ answer: 'secret' }); });
it('leaks nothing', () => { expect(seenSoFar()).toBe('[]'); });
`,
  'test/getters.test.ts': `import { expect, it } from 'vitest';
import { Sly, slyOnes } from '../src/values.ts';
it('toHaveProperty', () => { expect(new Sly()).toHaveProperty('inner', 42); });
it('toMatchObject', () => { expect(new Sly()).toMatchObject({ inner: 42 }); });
it.each(slyOnes().map((value) => [Object.prototype.toString.call(value), value]))('a subclass of %s', (_kind, value) => {
  expect(value).toHaveProperty('inner', 42);
});
`,
};

let root: string;
let runner: GroupRunner;

beforeAll(async () => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ainative-confined-matchers-')));
  for (const [file, text] of Object.entries(FILES)) {
    fs.mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  runner = await createVitestRunner({
    root,
    setupFiles: [runtimeGuardFile()],
    confinement: {
      modules: [{ file: path.join(root, 'src/values.ts'), allow: [] }],
      fsPolicy: { root, writable: [os.tmpdir()], denied: [path.join(root, 'test')] },
    },
  });
});

afterAll(async () => {
  await runner?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

function outcomes(result: TestRunResult): string[] {
  return [...result.failures.map((failure) => `${failure.name}: ${failure.message}`), ...result.fileErrors.map((error) => error.message)];
}

describe('matchers on what a confined module returns', () => {
  it('decide by identity, type or truthiness on a proxy the module made, and never show it what was expected', async () => {
    const result = await runner.run(['test/identity.test.ts'], []);
    expect(result.passed).toBe(3);
    expect(outcomes(result)).toEqual([
      expect.stringMatching(/^fails toBe: UntrustedValueError: .*'asymmetricMatch' property/),
      expect.stringMatching(/^fails toBe through a proxy: AssertionError: expected {} to be/),
    ]);
  });

  it("refuse a matcher that a getter of the module's class hands out", async () => {
    const result = await runner.run(['test/getters.test.ts'], []);
    expect(result.passed).toBe(0);
    expect(result.failed).toBe(10);
    // A copy's getter hands out a checked copy; a value kept as it is (a promise, a typed array) may have no getter.
    for (const outcome of outcomes(result))
      expect(outcome).toMatch(/'asymmetricMatch' property, which makes it behave as a matcher|has a getter 'inner'/);
  });
});
