// The ways the benchmark runs one exercise's tests. `confined` and `unconfined` are ainative's own test host from
// dist/ (locked-down threads, the runtime guard as setup file; `confined` also evaluates the solution in a
// compartment). `guard` and `plain` are vitest's own threads pool with no lockdown, with and without the guard:
// comparing the four tells what the compartment, the lockdown and the guard each break.
import { realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { createVitest } from 'vitest/node';
import type { TestRunResult } from '../../src/core/ports.js';
import { PACKAGE_DIR } from '../dist.js';
import type { LaidOut } from './exercises.js';

export const MODES = ['confined', 'unconfined', 'guard', 'plain'] as const;
export type Mode = (typeof MODES)[number];

/** Runs one test file (repo-relative) at a time in a warm vitest. */
export interface ModeRunner {
  run(testFile: string): Promise<TestRunResult>;
  close(): Promise<void>;
}

/** What every mode shares. */
export interface ModeOptions {
  /** The folder holding every exercise (see exercises.ts). */
  root: string;
  exercises: LaidOut[];
  testTimeoutMs: number;
  log: (line: string) => void;
}

const DIST = path.join(PACKAGE_DIR, 'dist', 'src', 'adapters', 'test-host');
const GUARD_SETUP = path.join(DIST, 'worker', 'runtime-guard.setup.js');

/** Starts the runner of `mode` over every exercise under `options.root`. */
export async function startMode(mode: Mode, options: ModeOptions): Promise<ModeRunner> {
  if (mode === 'confined' || mode === 'unconfined') return startAinative(mode === 'confined', options);
  return startPlainVitest(mode === 'guard' ? [writeRuntimeSetup(options.root), GUARD_SETUP] : [], options);
}

/**
 * vitest's own threads never ran ainative's thread entry, where the guard finds the matcher guard it installs: this
 * setup file, run first, installs it without lockdown and without confinement.
 */
function writeRuntimeSetup(root: string): string {
  const file = path.join(root, 'ainative-runtime.setup.mjs');
  const from = (name: string) => JSON.stringify(pathToFileURL(path.join(DIST, 'worker', name)).href);
  const lines = [
    `import { installWorkerRuntime, WORKER_RUNTIME_KEY } from ${from('worker-runtime.js')};`,
    `import { guardMatchers } from ${from('matcher-guard.js')};`,
    'const confineModule = () => { throw new Error("this mode confines nothing"); };',
    'if (!globalThis[Symbol.for(WORKER_RUNTIME_KEY)]) installWorkerRuntime({ confineModule, guardMatchers });',
  ];
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function startAinative(confined: boolean, options: ModeOptions): Promise<ModeRunner> {
  const { createVitestRunner } = (await import(
    path.join(DIST, 'host', 'vitest-runner.js')
  )) as typeof import('../../src/adapters/test-host/host/vitest-runner.js');
  const confinement = confined
    ? {
        modules: options.exercises.map((exercise) => ({ file: exercise.srcAbs, allow: exercise.imports })),
        fsPolicy: {
          root: options.root,
          writable: [realpathSync(tmpdir())],
          denied: options.exercises.map((exercise) => exercise.testDirAbs),
        },
      }
    : undefined;
  const runner = await createVitestRunner({
    root: options.root,
    setupFiles: [GUARD_SETUP],
    testTimeoutMs: options.testTimeoutMs,
    log: options.log,
    ...(confinement ? { confinement } : {}),
  });
  return { run: (testFile) => runner.run([testFile], []), close: () => runner.close() };
}

/** vitest's own threads pool, as FACTS.md describes the warm public API, reported through ainative's collector. */
async function startPlainVitest(setupFiles: string[], options: ModeOptions): Promise<ModeRunner> {
  const reporter = (await import(
    path.join(DIST, 'host', 'vitest-reporter.js')
  )) as typeof import('../../src/adapters/test-host/host/vitest-reporter.js');
  const collector = new reporter.RunCollector(options.log);
  const exitCode = process.exitCode;
  const vitest = await createVitest(
    'test',
    {
      root: options.root,
      config: false,
      include: ['**/*.test.ts'],
      watch: false,
      pool: 'threads',
      isolate: true,
      reporters: [collector],
      passWithNoTests: true,
      allowOnly: true,
      testTimeout: options.testTimeoutMs,
      hookTimeout: options.testTimeoutMs,
      cache: false,
      color: false,
    },
    { test: { setupFiles } },
    { stdout: sink(options.log), stderr: sink(options.log) },
  );
  await vitest.standalone();
  process.exitCode = exitCode;
  return {
    async run(testFile) {
      const abs = path.join(options.root, testFile);
      collector.reset();
      try {
        await vitest.runTestSpecifications([vitest.getRootProject().createSpecification(abs)]);
      } finally {
        process.exitCode = exitCode;
      }
      const outcome = collector.take();
      if (!outcome)
        return {
          collected: 0,
          passed: 0,
          failed: 0,
          skipped: 0,
          failures: [],
          fileErrors: [{ file: testFile, message: 'vitest did not finish the run' }],
        };
      return reporter.summarize(outcome, [abs], options.root);
    },
    close: () => vitest.close(),
  };
}

function sink(log: (line: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) if (line) log(line);
      callback();
    },
  });
}
