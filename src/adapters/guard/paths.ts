// Path questions of the static guard: does an import specifier or a string literal point at the project's tests or
// at another protected file? All paths are repo-relative and POSIX.
import path from 'node:path';
import type { GuardSettings } from './context.js';

const CODE_EXTENSION = /\.(d\.)?[cm]?[jt]sx?$/;
const TEST_FILE_NAME = /\.(test|spec|holdout)(\.|$)/;
// In free text a test file shows up with its extension (`cart.test.ts`) or as a glob (`*.spec.*`, `*.test.{ts,js}`);
// a bare `.test` suffix is too common in host names (`api.example.test`) to mean a file.
const TEST_FILE_IN_TEXT = /\.(test|spec|holdout)\.(\*|\{|[cm]?[jt]sx?\b)/;
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** A repo-relative POSIX path without `./`, trailing slashes or `..` detours; '' for the repo root. */
export function normalizeRepoPath(p: string): string {
  const normalized = path.posix.normalize(p.replace(/\\/g, '/')).replace(/\/+$/, '');
  return normalized === '.' ? '' : normalized.replace(/^\.\//, '');
}

/** Where a relative (`./x`, `../x`) or root-absolute (`/x`, as Vite resolves it) specifier points in the repo. */
export function repoTarget(specifier: string, settings: GuardSettings): string | undefined {
  const text = specifier.replace(/\\/g, '/');
  if (text.startsWith('/')) return normalizeRepoPath(text.slice(1));
  if (text !== '.' && text !== '..' && !text.startsWith('./') && !text.startsWith('../')) return undefined;
  return normalizeRepoPath(path.posix.join(path.posix.dirname(settings.modulePath), text));
}

/** What protected thing a repo path is, e.g. `the test folder 'test'`; undefined when it is none. */
export function protectedTarget(target: string, settings: GuardSettings): string | undefined {
  const stem = target.replace(CODE_EXTENSION, '');
  const file = settings.protectedPaths.find((p) => p === target || p.replace(CODE_EXTENSION, '') === stem);
  if (file !== undefined) return `the protected file '${file}'`;
  const dir = settings.testDirs.find((d) => d !== '' && (target === d || target.startsWith(`${d}/`)));
  if (dir !== undefined) return `the test folder '${dir}'`;
  return TEST_FILE_NAME.test(path.posix.basename(target)) ? 'a test file' : undefined;
}

/** What protected thing a string literal names, judged as text: it may be a path relative to the repo or the module. */
export function protectedInText(text: string, settings: GuardSettings): string | undefined {
  const slashed = text.replace(/\\/g, '/');
  if (URL_SCHEME.test(slashed) && !slashed.startsWith('file:')) return undefined;
  const file = settings.protectedPaths.find((p) => p !== '' && slashed.includes(p));
  if (file !== undefined) return `the protected file '${file}'`;
  if (TEST_FILE_IN_TEXT.test(slashed)) return 'a test file';
  const dir = settings.testDirs.find((d) => d !== '' && segmentPattern(d).test(slashed));
  if (dir !== undefined) return `the test folder '${dir}'`;
  return slashed.includes('/') ? relativeTarget(slashed, settings) : undefined;
}

// The test folder as a path segment followed by `/`: `test/`, `../test/x`, `/abs/test/`, but not `contest/`.
function segmentPattern(dir: string): RegExp {
  let pattern = SEGMENT_PATTERNS.get(dir);
  if (!pattern) {
    pattern = new RegExp(`(^|/)${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/`);
    SEGMENT_PATTERNS.set(dir, pattern);
  }
  return pattern;
}

const SEGMENT_PATTERNS = new Map<string, RegExp>();

// `../test`, `./test`, `/../test` (the tail of `__dirname + '/../test'`) name the folder itself without a slash after.
function relativeTarget(text: string, settings: GuardSettings): string | undefined {
  const relative = text.replace(/^\/+(?=\.)/, '');
  if (!relative.startsWith('.')) return undefined;
  const fromModule = repoTarget(relative, settings);
  const fromRoot = normalizeRepoPath(relative);
  const hit = fromModule !== undefined ? protectedTarget(fromModule, settings) : undefined;
  return hit ?? protectedTarget(fromRoot, settings);
}

/** True when `text` is exactly the last segment of a test folder (`'test'` in `path.join(dir, '..', 'test')`). */
export function isTestFolderName(text: string, settings: GuardSettings): boolean {
  return settings.testDirs.some((d) => d !== '' && path.posix.basename(d) === text);
}
