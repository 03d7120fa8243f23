// The demo's throwaway project: a fresh git repo holding a copy of the example, and the real CLI run inside it.
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { createTempRepo } from '../test/helpers/temp-repo.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** The ainative repo, found from this file's place in dist/scripts/ (or scripts/ when run from source). */
export const REPO_ROOT = basename(dirname(HERE)) === 'dist' ? resolve(HERE, '../..') : resolve(HERE, '..');
const CLI = join(REPO_ROOT, 'dist', 'src', 'cli', 'index.js');
const EXAMPLE = join(REPO_ROOT, 'examples', 'upload-service');

// Anything a previous build inside examples/ may have left there: the demo must start from what a user writes.
const GENERATED = new Set(['src', 'ainative.lock', 'node_modules', '.git']);

/** Where the demo works: `project` is the git repo, `runtime` holds the transpiled modules. */
export interface DemoDirs {
  base: string;
  project: string;
  runtime: string;
}

/** Copies the example into a new temp dir and commits it, as a user's repo would be before `ainative build`. */
export async function createDemoProject(): Promise<DemoDirs> {
  const base = await mkdtemp(join(tmpdir(), 'ainative-demo-'));
  const dirs = { base, project: join(base, 'upload-service'), runtime: join(base, 'runtime') };
  await cp(EXAMPLE, dirs.project, {
    recursive: true,
    filter: (source) => source === EXAMPLE || !GENERATED.has(source.slice(EXAMPLE.length + 1).split(/[\\/]/)[0]!),
  });
  await mkdir(dirs.runtime);
  // The test suite's temp repo, made in the copy: `git init -b main`, a local identity and no signing, so the user's
  // global git setup can neither be required nor get in the way.
  const repo = await createTempRepo({}, { root: dirs.project });
  await repo.commit('upload-service: intents and tests');
  return dirs;
}

/** Runs `ainative <args>` in the project against the fake model; output goes straight to the terminal unless captured. */
export async function runCli(
  project: string,
  baseUrl: string,
  args: string[],
  capture = false,
): Promise<{ exitCode: number; stdout: string }> {
  // Async on purpose: the fake model server lives in this process and must keep answering while the CLI runs.
  const result = await execa(process.execPath, [CLI, ...args], {
    cwd: project,
    env: {
      OPENAI_BASE_URL: baseUrl,
      // A placeholder replaces any real key in the environment: the demo never sends one anywhere.
      OPENAI_API_KEY: 'scripted-demo-no-key',
      AINATIVE_MODEL: 'scripted-demo',
    },
    stdin: 'ignore',
    stdout: capture ? 'pipe' : 'inherit',
    stderr: 'inherit',
    reject: false,
  });
  return { exitCode: result.exitCode ?? 1, stdout: typeof result.stdout === 'string' ? result.stdout : '' };
}

/** Removes the demo's temp dir. */
export async function removeDemoDirs(dirs: DemoDirs): Promise<void> {
  await rm(dirs.base, { recursive: true, force: true });
}
