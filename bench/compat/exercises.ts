// Reads Exercism's TypeScript track (a checkout of exercism/typescript) and lays each practice exercise out the way
// ainative runs a generated module: `<slug>/src/<slug>.ts` is the reference solution, `<slug>/test/<slug>.test.ts`
// its test file, rewritten from jest to vitest with every skipped test enabled.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** One practice exercise of the checkout. */
export interface Exercise {
  slug: string;
  /** The reference solution's text. */
  solution: string;
  /** The test file's text as the track has it (jest). */
  test: string;
  /** Packages and built-ins the solution imports (granted through `allow:` when confined). */
  imports: string[];
}

/** Where an exercise's files went, relative to the root all exercises share. */
export interface LaidOut {
  slug: string;
  /** Repo-relative test file, as the runner takes it. */
  testFile: string;
  /** Absolute paths. */
  srcAbs: string;
  testDirAbs: string;
  imports: string[];
}

/** Every practice exercise that has a reference solution and a test file, sorted by slug. */
export function readExercises(checkout: string): Exercise[] {
  const practice = path.join(checkout, 'exercises', 'practice');
  if (!existsSync(practice)) throw new Error(`${practice} does not exist: pass the root of an exercism/typescript checkout`);
  const exercises: Exercise[] = [];
  for (const slug of readdirSync(practice).sort()) {
    const dir = path.join(practice, slug);
    const files = filesOf(dir, slug);
    const solutionPath = path.join(dir, files.example);
    const testPath = path.join(dir, files.test);
    if (!existsSync(solutionPath) || !existsSync(testPath)) continue;
    exercises.push(exerciseOf(slug, readFileSync(solutionPath, 'utf8'), readFileSync(testPath, 'utf8')));
  }
  return exercises;
}

/** An exercise from its texts. */
export function exerciseOf(slug: string, solution: string, test: string): Exercise {
  return { slug, solution, test, imports: bareImports(solution) };
}

/**
 * Run first in every mode: passes only where the solution cannot see `process`, so a confined run whose canary
 * fails measured nothing confined (a renamed option, a plugin that matched no file).
 */
export const CANARY: Exercise = exerciseOf(
  'ainative-canary',
  "export const seesProcess = (): boolean => typeof process !== 'undefined'\n",
  "import { expect, it } from 'vitest'\nimport { seesProcess } from './ainative-canary.ts'\n\nit('cannot see process', () => {\n  expect(seesProcess()).toBe(false)\n})\n",
);

/** The solution and test file names from `.meta/config.json`; a few of those files are not valid JSON, so fall back. */
function filesOf(dir: string, slug: string): { example: string; test: string } {
  const fallback = { example: '.meta/proof.ci.ts', test: `${slug}.test.ts` };
  try {
    const config = JSON.parse(readFileSync(path.join(dir, '.meta', 'config.json'), 'utf8')) as {
      files?: { example?: string[]; test?: string[] };
    };
    return { example: config.files?.example?.[0] ?? fallback.example, test: config.files?.test?.[0] ?? fallback.test };
  } catch {
    return fallback;
  }
}

/** Non-relative specifiers of value imports (`import type` left out). */
function bareImports(source: string): string[] {
  const found = new Set<string>();
  for (const match of source.matchAll(/^\s*(?:import|export)\s+(?!type\s)[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
    if (!match[1]!.startsWith('.')) found.add(match[1]!.replace(/^node:/, ''));
  }
  return [...found];
}

/**
 * The test file for vitest: `@jest/globals` becomes `vitest`, `xit`/`xdescribe` run, the solution import points at
 * src/. `it.skip` marks the few tests the track never runs (a search over 4.5e12 triplets, every robot name): they
 * stay skipped unless `runSkipped`, since vitest cannot stop a synchronous loop and one would hang the whole bench.
 */
function rewriteTest(test: string, slug: string, runSkipped = false): string {
  const rewritten = test
    .replace(/import\s*\{([^}]*)\}\s*from\s*['"]@jest\/globals['"]/, (_all, names: string) => {
      const wanted = names
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean)
        .map((name) => ({ xit: 'it', xdescribe: 'describe', xtest: 'test' })[name] ?? name);
      return `import { ${[...new Set(wanted)].join(', ')} } from 'vitest'`;
    })
    .replace(/\bx(it|describe|test)(\s*\(|\.each\b)/g, '$1$2')
    .replace(new RegExp(`from\\s*(['"])\\./${escapeRegExp(slug)}(?:\\.ts|\\.js)?\\1`, 'g'), `from '../src/${slug}.ts'`);
  return runSkipped ? rewritten.replace(/\b(it|describe|test)\.skip(\s*\(|\.each\b)/g, '$1$2') : rewritten;
}

/** Writes every exercise under `root` (see LaidOut). */
export async function layOut(root: string, exercises: Exercise[], runSkipped = false): Promise<LaidOut[]> {
  const laid: LaidOut[] = [];
  for (const exercise of exercises) {
    const srcAbs = path.join(root, exercise.slug, 'src', `${exercise.slug}.ts`);
    const testDirAbs = path.join(root, exercise.slug, 'test');
    const testFile = `${exercise.slug}/test/${exercise.slug}.test.ts`;
    await mkdir(path.dirname(srcAbs), { recursive: true });
    await mkdir(testDirAbs, { recursive: true });
    await writeFile(srcAbs, exercise.solution);
    await writeFile(path.join(root, testFile), rewriteTest(exercise.test, exercise.slug, runSkipped));
    laid.push({ slug: exercise.slug, testFile, srcAbs, testDirAbs, imports: exercise.imports });
  }
  return laid;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
