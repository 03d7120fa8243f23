import { createHash } from 'node:crypto';

export const LOCK_FILE = 'ainative.lock';
const LOCK_VERSION = 1;

/** What an intent was built from; any change makes it stale. */
export interface IntentInputs {
  /** sha256 of the intent file. */
  intent: string;
  /** sha256 over the test files' paths and contents. */
  tests: string;
  /** sha256 of the public API (declarations) of each used intent's module, by intent id. */
  uses: Record<string, string>;
  /** sha256 of the prompt templates. */
  prompt: string;
  model: string;
}

/** One intent's record in `ainative.lock`. */
export interface LockEntry {
  intent: string;
  module: string;
  /** Regression tests frozen from fixed bug reports; they judge the module with its own tests. */
  regressions?: string[];
  inputs: IntentInputs;
  /** sha256 of the module as written and of its declarations (what dependents see), the tests its green run collected, and the cache keys of the replies that built it. */
  output: { sha256: string; api: string; tests?: number; replies?: string[] };
}

export interface Lockfile {
  version: number;
  intents: Record<string, LockEntry>;
}

/** An empty lock. */
export function emptyLock(): Lockfile {
  return { version: LOCK_VERSION, intents: {} };
}

/** sha256 hex of a text. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** One hash over several named texts; names are sorted so order of discovery does not matter. */
export function hashNamedTexts(texts: Record<string, string>): string {
  return hashNamedHashes(Object.fromEntries(Object.entries(texts).map(([name, text]) => [name, sha256(text)])));
}

/** hashNamedTexts from the texts' sha256 hashes, for a caller that knows the hashes without the texts. */
export function hashNamedHashes(hashes: Record<string, string>): string {
  const hash = createHash('sha256');
  for (const name of Object.keys(hashes).sort()) {
    hash.update(`${name}\0${hashes[name]!}\n`);
  }
  return hash.digest('hex');
}

/** Serialises the lock with sorted keys at every level, so a change touches only its own lines. */
export function serializeLock(lock: Lockfile): string {
  return `${JSON.stringify(sortKeys(lock), null, 2)}\n`;
}

/**
 * Parses `ainative.lock`; when it is not a lock this version understands, returns one line naming `file` (the path to
 * show), what is wrong and how to recover.
 */
export function parseLock(text: string, file = LOCK_FILE): { ok: true; lock: Lockfile } | { ok: false; error: string } {
  const restore = `restore the committed one with \`git checkout HEAD -- ${file}\`, or delete it to rebuild every intent`;
  const fail = (problem: string, recovery = restore) => ({ ok: false as const, error: `${file}: ${problem}; ${recovery}` });
  // The substring test first: the line regex over a lock of a thousand intents costs a no-op build milliseconds.
  if ((text.includes('<<<<<<<') || text.includes('>>>>>>>')) && /^(?:<{7}|>{7})(?: |$)/m.test(text)) {
    return fail(
      'has unresolved merge conflict markers',
      `keep one side (\`git checkout --ours ${file}\`) and run ainative build, which rebuilds what the other side changed, or delete it to rebuild every intent`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return fail(`not valid JSON (${(error as Error).message})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return fail('expected a JSON object');
  const record = data as Partial<Lockfile>;
  if (record.version !== LOCK_VERSION) {
    const newer = typeof record.version === 'number' && record.version > LOCK_VERSION;
    const recovery = newer ? 'a newer ainative wrote it: upgrade ainative, or delete the file to rebuild every intent' : restore;
    return fail(`unsupported version ${String(record.version)} (this ainative writes ${LOCK_VERSION})`, recovery);
  }
  if (typeof record.intents !== 'object' || record.intents === null) return fail("key 'intents' must be an object");
  for (const [id, entry] of Object.entries(record.intents)) {
    if (!isLockEntry(entry)) return fail(`entry '${id}' is malformed`);
  }
  return { ok: true, lock: record as Lockfile };
}

function isLockEntry(value: unknown): value is LockEntry {
  const entry = value as LockEntry;
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.module === 'string' &&
    typeof entry.inputs === 'object' &&
    entry.inputs !== null &&
    typeof entry.output === 'object' &&
    entry.output !== null &&
    typeof entry.output.sha256 === 'string'
  );
}

/** A copy of a JSON value with object keys sorted at every level, so its serialisation is stable. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}
