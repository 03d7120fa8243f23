import { describe, expect, it } from 'vitest';
import type { IntentInputs, LockEntry } from '../project/lock.js';
import { assessStaleness, moduleEditedSinceBuild } from './staleness.js';

const INPUTS: IntentInputs = { intent: 'i1', tests: 't1', uses: { db: 'api1' }, prompt: 'p1', model: 'gpt-4o-mini' };
const ENTRY: LockEntry = { intent: 'intents/auth.intent.md', module: 'src/auth.ts', inputs: INPUTS, output: { sha256: 'm1', api: 'a1' } };
const MODULE = { path: 'src/auth.ts', sha256: 'm1' };

describe('assessStaleness', () => {
  it('is fresh when nothing changed', () => {
    expect(assessStaleness(structuredClone(INPUTS), ENTRY, MODULE)).toEqual({ stale: false, reasons: [] });
  });

  it('is stale when the lock has no entry', () => {
    expect(assessStaleness(INPUTS, undefined, MODULE)).toEqual({ stale: true, reasons: ['not built yet (no entry in ainative.lock)'] });
  });

  const changes: Array<[string, Partial<IntentInputs>, string]> = [
    ['intent text', { intent: 'i2' }, 'intent text changed'],
    ['tests', { tests: 't2' }, 'tests changed'],
    ['API of a used intent', { uses: { db: 'api2' } }, "public API of 'db' changed"],
    ['a new use', { uses: { db: 'api1', cache: 'c1' } }, "now uses 'cache'"],
    ['a dropped use', { uses: {} }, "no longer uses 'db'"],
    ['prompt templates', { prompt: 'p2' }, 'prompt templates changed'],
    ['model', { model: 'gpt-4.1' }, 'model changed (gpt-4o-mini -> gpt-4.1)'],
  ];

  it.each(changes)('gives its own reason when the %s changes', (_name, change, reason) => {
    expect(assessStaleness({ ...INPUTS, ...change }, ENTRY, MODULE)).toEqual({ stale: true, reasons: [reason] });
  });

  it('is stale when the module file is missing', () => {
    expect(assessStaleness(INPUTS, ENTRY, { path: 'src/auth.ts', sha256: undefined })).toEqual({
      stale: true,
      reasons: ['src/auth.ts is missing'],
    });
  });

  it('is stale when the intent now names another module', () => {
    expect(assessStaleness(INPUTS, ENTRY, { path: 'src/login.ts', sha256: 'm1' }).reasons).toEqual([
      'module moved (src/auth.ts -> src/login.ts)',
    ]);
  });

  it('lists every reason when several inputs changed', () => {
    const result = assessStaleness({ ...INPUTS, intent: 'i2', model: 'o3' }, ENTRY, MODULE);
    expect(result.reasons).toEqual(['intent text changed', 'model changed (gpt-4o-mini -> o3)']);
  });
});

describe('moduleEditedSinceBuild', () => {
  it('is true only when the module on disk differs from what was written', () => {
    expect(moduleEditedSinceBuild(ENTRY, 'm1')).toBe(false);
    expect(moduleEditedSinceBuild(ENTRY, 'edited')).toBe(true);
    expect(moduleEditedSinceBuild(ENTRY, undefined)).toBe(false);
    expect(moduleEditedSinceBuild(undefined, 'edited')).toBe(false);
  });
});
