import { normaliseLineEndings } from './content-hash.js';
import { readFrontmatter } from './frontmatter.js';
import { ISOLATIONS, type Isolation } from './isolation.js';

/** One intent: a behaviour described in Markdown, the module the agent owns and the tests that judge it. */
export interface Intent {
  id: string;
  /** Repo-relative path of the intent file. */
  file: string;
  /** Repo-relative path of the module the agent writes. */
  module: string;
  /** Human-owned test files that judge the module. */
  tests: string[];
  /** Ids of intents whose public API this module may use. */
  uses: string[];
  /** TypeScript signatures the module must export. */
  exports: string[];
  /** Tests that judge the module but are never shown to the model. */
  holdout: string[];
  /** Node built-ins the module may use although the static guard forbids them by default (e.g. `fs`). */
  allow: string[];
  /**
   * How the module runs under test: `confined` (default) in a compartment with no ambient authority, or `shared`,
   * in the test realm itself, for suites that need what confinement cannot give (reported as weaker).
   */
  isolation: Isolation;
  /** Regression tests frozen from bug reports, already included in `tests` (set by the build, not the file). */
  regressions?: string[];
  /** The Markdown body: the behaviour. */
  body: string;
  /** The whole file text with LF line endings, as hashed for staleness. */
  text: string;
}

export { ISOLATIONS, type Isolation } from './isolation.js';

export type ParseIntentResult = { ok: true; intent: Intent } | { ok: false; error: string };

const KNOWN_KEYS = ['module', 'tests', 'uses', 'exports', 'holdout', 'allow', 'isolation'] as const;
const INTENT_SUFFIX = '.intent.md';
const MODULE_EXTENSIONS = ['.ts', '.mts', '.tsx'];

/** The id of an intent file: its base name without `.intent.md`. */
export function intentIdOf(file: string): string {
  const base = file.split('/').pop() ?? file;
  return base.endsWith(INTENT_SUFFIX) ? base.slice(0, -INTENT_SUFFIX.length) : base;
}

/** Parses `intents/<id>.intent.md` text (line endings normalised); every problem is one line naming the file and the key. */
export function parseIntent(file: string, raw: string): ParseIntentResult {
  const text = normaliseLineEndings(raw);
  const fail = (error: string): ParseIntentResult => ({ ok: false, error: `${file}: ${error}` });
  const id = intentIdOf(file);
  if (!/^[A-Za-z0-9][\w.-]*$/.test(id)) return fail(`intent id '${id}' must be letters, digits, '.', '_' or '-'`);
  const front = readFrontmatter(text, KNOWN_KEYS, "a 'module:' key");
  if (!front.ok) return fail(front.error);
  const { record } = front;
  if (record.module === undefined || record.module === null) return fail(`missing required key 'module' (e.g. module: src/${id}.ts)`);
  if (typeof record.module !== 'string') return fail(`key 'module' must be a path string`);
  const modulePath = checkRepoPath(record.module);
  if (typeof modulePath !== 'string') return fail(`key 'module' ${modulePath.error}`);
  if (!MODULE_EXTENSIONS.some((ext) => modulePath.endsWith(ext)) || /\.(test|spec)\.[mc]?tsx?$/.test(modulePath)) {
    return fail(`key 'module' must name a TypeScript source file (.ts, .mts or .tsx), not '${record.module}'`);
  }
  const tests = readPathList(record.tests, 'tests', [`test/${id}.test.ts`]);
  if ('error' in tests) return fail(tests.error);
  if (tests.value.length === 0) return fail(`key 'tests' must name at least one test file`);
  if (tests.value.includes(modulePath)) return fail(`key 'tests' names the module itself ('${modulePath}')`);
  const uses = readStringList(record.uses, 'uses');
  if ('error' in uses) return fail(uses.error);
  uses.value = [...new Set(uses.value)];
  const exports = readStringList(record.exports, 'exports');
  if ('error' in exports) return fail(exports.error);
  const holdout = readPathList(record.holdout, 'holdout', []);
  if ('error' in holdout) return fail(holdout.error);
  const shared = holdout.value.find((path) => tests.value.includes(path));
  if (shared) return fail(`key 'holdout' names ${shared}, which is also in 'tests' (hidden tests must not be shown)`);
  const allow = readStringList(record.allow, 'allow');
  if ('error' in allow) return fail(allow.error);
  const isolation = record.isolation ?? 'confined';
  if (!ISOLATIONS.includes(isolation as Isolation))
    return fail(`key 'isolation' must be one of ${ISOLATIONS.join(', ')}, not ${JSON.stringify(isolation)}`);
  const intent: Intent = {
    id,
    file,
    module: modulePath,
    tests: tests.value,
    uses: uses.value,
    exports: exports.value,
    holdout: holdout.value,
    allow: allow.value.map((name) => name.replace(/^node:/, '')),
    isolation: isolation as Isolation,
    body: front.body.trim(),
    text,
  };
  return { ok: true, intent };
}

type ListResult = { value: string[] } | { error: string };

function readStringList(value: unknown, key: string): ListResult {
  if (value === undefined || value === null) return { value: [] };
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string' && item.trim() !== '')) {
    return { error: `key '${key}' must be a string or a list of non-empty strings` };
  }
  return { value: list.map((item: string) => item.trim()) };
}

function readPathList(value: unknown, key: string, fallback: string[]): ListResult {
  if (value === undefined || value === null) return { value: fallback };
  const list = readStringList(value, key);
  if ('error' in list) return list;
  const paths: string[] = [];
  for (const item of list.value) {
    const checked = checkRepoPath(item);
    if (typeof checked !== 'string') return { error: `key '${key}' ${checked.error}` };
    paths.push(checked);
  }
  return { value: [...new Set(paths)] };
}

/** Normalises a repo-relative path, refusing absolute paths, `..` and `.git`. */
export function checkRepoPath(raw: string): string | { error: string } {
  const path = raw
    .trim()
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '');
  if (path === '') return { error: 'is empty' };
  if (/[\u0000-\u001f]/.test(path)) return { error: `must not contain control characters (${JSON.stringify(raw)})` };
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return { error: `must be a repo-relative path, not '${raw}'` };
  const parts = path.split('/');
  if (parts.some((part) => part === '..')) return { error: `must stay inside the repo, not '${raw}'` };
  if (parts.some((part) => part === '.git')) return { error: `must not point into .git ('${raw}')` };
  return parts.filter((part) => part !== '.' && part !== '').join('/');
}
