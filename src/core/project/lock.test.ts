import { describe, expect, it } from 'vitest';
import { emptyLock, hashNamedTexts, parseLock, serializeLock, sha256, type LockEntry, type Lockfile } from './lock.js';

function entry(id: string): LockEntry {
  return {
    intent: `intents/${id}.intent.md`,
    module: `src/${id}.ts`,
    inputs: { intent: 'i', tests: 't', uses: { zeta: 'z', alpha: 'a' }, prompt: 'p', model: 'gpt-4o-mini' },
    output: { sha256: 's', api: 'x' },
  };
}

/** The same lock as `entry` builds, with every object's keys inserted in reverse order. */
function reversedEntry(id: string): LockEntry {
  return {
    output: { api: 'x', sha256: 's' },
    inputs: { model: 'gpt-4o-mini', prompt: 'p', uses: { alpha: 'a', zeta: 'z' }, tests: 't', intent: 'i' },
    module: `src/${id}.ts`,
    intent: `intents/${id}.intent.md`,
  };
}

function keysAreSorted(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  const keys = Object.keys(value);
  return keys.join('\0') === [...keys].sort().join('\0') && Object.values(value).every(keysAreSorted);
}

describe('serializeLock', () => {
  it('sorts keys at every level, whatever the insertion order, and ends with a newline', () => {
    const a: Lockfile = { version: 1, intents: { session: entry('session'), auth: entry('auth') } };
    const b = { intents: { auth: reversedEntry('auth'), session: reversedEntry('session') }, version: 1 } as Lockfile;
    const text = serializeLock(a);
    expect(serializeLock(b)).toBe(text);
    expect(text.endsWith('}\n')).toBe(true);
    expect(keysAreSorted(JSON.parse(text))).toBe(true);
    expect(text.indexOf('"auth"')).toBeLessThan(text.indexOf('"session"'));
  });

  it('round-trips through parseLock', () => {
    const lock: Lockfile = { version: 1, intents: { auth: entry('auth') } };
    expect(parseLock(serializeLock(lock))).toEqual({ ok: true, lock });
    expect(parseLock(serializeLock(emptyLock()))).toEqual({ ok: true, lock: emptyLock() });
  });
});

describe('parseLock', () => {
  const errorOf = (text: string, file?: string): string => {
    const result = parseLock(text, file);
    return result.ok ? '' : result.error;
  };
  const restore = 'restore the committed one with `git checkout HEAD -- ainative.lock`, or delete it to rebuild every intent';

  it('names the file, the JSON error and how to recover when the JSON is broken', () => {
    expect(errorOf('{"version": 1,')).toMatch(
      /^ainative\.lock: not valid JSON \(.+\); restore the committed one with `git checkout HEAD -- ainative\.lock`, or delete it to rebuild every intent$/,
    );
  });

  it('names the file by the path it is given, in the recovery command too', () => {
    expect(errorOf('nope', '../ainative.lock')).toMatch(
      /^\.\.\/ainative\.lock: not valid JSON .*`git checkout HEAD -- \.\.\/ainative\.lock`/,
    );
  });

  it('recognises a merge conflict left in the lock and says how to settle it', () => {
    const conflicted = '{\n<<<<<<< HEAD\n  "version": 1,\n=======\n  "version": 1,\n>>>>>>> feature\n}\n';
    expect(errorOf(conflicted)).toBe(
      'ainative.lock: has unresolved merge conflict markers; keep one side (`git checkout --ours ainative.lock`) and run ainative build, ' +
        'which rebuilds what the other side changed, or delete it to rebuild every intent',
    );
  });

  it('names both versions, and says to upgrade when a newer ainative wrote the lock', () => {
    expect(errorOf('{"version": 2, "intents": {}}')).toBe(
      'ainative.lock: unsupported version 2 (this ainative writes 1); a newer ainative wrote it: upgrade ainative, or delete the file to rebuild every intent',
    );
    expect(errorOf('{"intents": {}}')).toBe(`ainative.lock: unsupported version undefined (this ainative writes 1); ${restore}`);
  });

  it('names the malformed entry', () => {
    const broken = { ...entry('auth'), output: undefined };
    expect(errorOf(JSON.stringify({ version: 1, intents: { auth: broken } }))).toBe(`ainative.lock: entry 'auth' is malformed; ${restore}`);
    expect(errorOf(JSON.stringify({ version: 1, intents: { auth: 'x' } }))).toBe(`ainative.lock: entry 'auth' is malformed; ${restore}`);
  });

  it('rejects a lock without intents or that is not an object', () => {
    expect(errorOf('{"version": 1}')).toBe(`ainative.lock: key 'intents' must be an object; ${restore}`);
    expect(errorOf('null')).toBe(`ainative.lock: expected a JSON object; ${restore}`);
    expect(errorOf('[]')).toBe(`ainative.lock: expected a JSON object; ${restore}`);
  });
});

describe('hashNamedTexts', () => {
  it('does not depend on key order', () => {
    expect(hashNamedTexts({ 'test/a.test.ts': 'A', 'test/b.test.ts': 'B' })).toBe(
      hashNamedTexts({ 'test/b.test.ts': 'B', 'test/a.test.ts': 'A' }),
    );
  });

  it('changes when a content or a name changes', () => {
    const base = hashNamedTexts({ 'test/a.test.ts': 'A', 'test/b.test.ts': 'B' });
    expect(hashNamedTexts({ 'test/a.test.ts': 'A', 'test/b.test.ts': 'B!' })).not.toBe(base);
    expect(hashNamedTexts({ 'test/a.test.ts': 'A', 'test/c.test.ts': 'B' })).not.toBe(base);
    expect(hashNamedTexts({ 'test/a.test.ts': 'B', 'test/b.test.ts': 'A' })).not.toBe(base);
    expect(hashNamedTexts({ 'test/a.test.ts': 'A' })).not.toBe(base);
  });
});

describe('sha256', () => {
  it('is the hex digest', () => {
    expect(sha256('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
