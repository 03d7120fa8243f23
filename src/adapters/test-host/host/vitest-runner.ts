// Brings in vitest's augmentation of vite's UserConfig with `test`, which the build (no test files) otherwise lacks.
/// <reference types="vitest/config" />
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { createVitest } from 'vitest/node';
import type { CliOptions, TestSpecification, Vitest } from 'vitest/node';
import type { TestRunResult, TestRunner } from '../../../core/ports.js';
import { RunCollector, summarize } from './vitest-reporter.js';
import { builtScript } from '../../project/package-files.js';
import { confinePlugin, type Confinement } from './confine-plugin.js';
import { createWarmPool, type WarmPool } from './warm-pool.js';

/** How to run the user's tests with one warm vitest instance. */
export interface VitestRunnerOptions {
  /** Absolute repo root; may be a bare folder with no package.json, no node_modules, no config. */
  root: string;
  /** Absolute path of the user's vitest config to honour, or false (default) for none. */
  configFile?: string | false;
  /** Absolute paths of setup files to inject, in addition to any the user's config declares. */
  setupFiles?: string[];
  /** Per test and per hook, default 10_000. */
  testTimeoutMs?: number;
  /** Where vitest's own console output and the tests' console output go; default: discarded. */
  log?: (line: string) => void;
  /**
   * How vite loads the user's config: `bundle` (vite's default) writes a temporary file into the repo, which fails
   * when the repo is read-only (the sandbox); `runner` transforms it in memory but does not support CJS configs.
   */
  configLoader?: 'bundle' | 'runner';
  /**
   * Most worker threads kept booted between runs (see warm-pool.ts). Until the caller says how many test files to
   * expect (GroupRunner.expect), that many are kept; after, as many as expected. Default 2.
   */
  spareWorkers?: number;
  /** The generated modules that run confined (see confine-plugin.ts); none when undefined. */
  confinement?: Confinement;
  /** Heap limit of each test thread, in MB. Default 512. */
  maxThreadHeapMb?: number;
  /** Where test threads keep Node's compile cache; none when undefined. */
  compileCacheDir?: string;
}

/** Heap limit of one test thread when the caller sets none: ample for unit tests, far below the machine. */
const THREAD_HEAP_MB = 512;

/** A runner that can also run several groups of test files as one vitest run, with one result per group. */
export interface GroupRunner extends TestRunner {
  runGroups(groups: string[][], changed: string[]): Promise<TestRunResult[]>;
  expect(files: number): void;
}

type ViteOverrides = NonNullable<Parameters<typeof createVitest>[2]>;
type ViteLogger = NonNullable<ViteOverrides['customLogger']>;

const TEST_PATTERNS = ['**/*.{test,spec}.?(c|m)[jt]s?(x)'];

/** Starts vitest once for `root` and returns a runner that reruns test files in the same warm process. */
export async function createVitestRunner(options: VitestRunnerOptions): Promise<GroupRunner> {
  const log = options.log ?? (() => {});
  const collector = new RunCollector(log);
  const reserve = options.spareWorkers ?? 2;
  const warm = createWarmPool(reserve, {
    entry: builtScript('adapters/test-host/worker/confined.worker.js'),
    maxHeapMb: options.maxThreadHeapMb ?? THREAD_HEAP_MB,
    compileCacheDir: options.compileCacheDir,
  });
  const vitest = await startVitest(options, collector, log, warm);
  // Test files announced and not yet run; undefined until the caller first announces any (then spares follow it).
  let expected: number | undefined;
  let running = false;
  const spares = () => expected ?? reserve;
  let queue: Promise<unknown> = Promise.resolve();
  let closing: Promise<void> | undefined;
  const runGroups = (groups: string[][], changed: string[]): Promise<TestRunResult[]> => {
    if (closing) return Promise.reject(new Error('vitest runner is closed'));
    const next = queue.then(async () => {
      running = true;
      if (expected !== undefined) expected = Math.max(0, expected - new Set(groups.flat()).size);
      try {
        return await runOnce(vitest, collector, options.root, groups, changed);
      } finally {
        running = false;
        // Between runs the machine waits for the model: the time to boot the next runs' threads.
        warm.replenish(spares());
      }
    });
    queue = next.catch(() => {});
    return next;
  };
  return {
    runGroups,
    async run(files, changed) {
      return (await runGroups([files], changed))[0]!;
    },
    expect(files) {
      expected = Math.max(0, (expected ?? 0) + files);
      // During a run, booting would slow it down; the run's end boots what is still wanted.
      if (!running) warm.replenish(spares());
    },
    close() {
      closing ??= queue.then(async () => {
        await warm.close();
        await vitest.close();
      });
      return closing;
    },
  };
}

async function startVitest(
  options: VitestRunnerOptions,
  collector: RunCollector,
  log: (line: string) => void,
  warm: WarmPool,
): Promise<Vitest> {
  const exitCode = process.exitCode;
  const streams = { stdout: lineSink(log), stderr: lineSink(log) };
  const viteOverrides: ViteOverrides = {
    // Vite concatenates arrays when merging, so these add to the user config's setupFiles instead of replacing them.
    test: { setupFiles: options.setupFiles ?? [] },
    // Vite warns about the user's config file through this logger, before vitest installs its own.
    customLogger: viteLogger(log),
    plugins: options.confinement ? [confinePlugin(options.confinement)] : [],
  };
  const before = snapshotListeners();
  try {
    const vitest = await createVitest('test', cliOptions(options, collector, warm), viteOverrides, streams);
    await vitest.standalone();
    return vitest;
  } finally {
    process.exitCode = exitCode;
    removeListenersAddedSince(before);
  }
}

const OWNED_EVENTS = ['SIGINT', 'SIGTERM', 'exit', 'unhandledRejection'] as const;

// The listeners are only compared by identity.
function snapshotListeners(): Map<string, Set<unknown>> {
  return new Map(OWNED_EVENTS.map((event) => [event, new Set<unknown>(process.listeners(event as NodeJS.Signals))]));
}

/**
 * vitest's logger installs SIGINT/SIGTERM/exit/unhandledRejection handlers that call process.exit(). Inside ainative
 * the host owns those events: an interrupted build must restore the user's files before it exits.
 */
function removeListenersAddedSince(before: Map<string, Set<unknown>>): void {
  for (const event of OWNED_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.off(event, listener as (...args: unknown[]) => void);
    }
  }
}

function cliOptions(options: VitestRunnerOptions, collector: RunCollector, warm: WarmPool): CliOptions {
  const configFile = options.configFile ?? false;
  const timeout = options.testTimeoutMs ?? 10_000;
  return {
    root: options.root,
    config: configFile,
    // With the user's config, their include and worker count decide; files asked for outside it still run (see specsFor).
    // Without it, one worker per core: vitest's default leaves one core to itself, which idles while ainative waits.
    ...(configFile === false ? { include: TEST_PATTERNS, maxWorkers: availableParallelism() } : {}),
    ...(options.configLoader ? { configLoader: options.configLoader } : {}),
    watch: false,
    // The threads pool, with locked-down threads booted ahead of need; CliOptions types `pool` as a name only.
    pool: warm.pool as unknown as CliOptions['pool'],
    isolate: true,
    reporters: [collector],
    passWithNoTests: true,
    // `.only` must not fail the run; the caller compares collected counts against a baseline instead.
    allowOnly: true,
    testTimeout: timeout,
    hookTimeout: timeout,
    // Keep vitest from writing node_modules/.vite/vitest/results.json into the user's repo.
    cache: false,
    color: false,
  };
}

/** One vitest run of every group's files; each group's result holds only its own files (and errors no file owns). */
async function runOnce(
  vitest: Vitest,
  collector: RunCollector,
  root: string,
  groups: string[][],
  changed: string[],
): Promise<TestRunResult[]> {
  const absGroups = groups.map((files) => files.map((file) => path.resolve(root, file)));
  const absFiles = [...new Set(absGroups.flat())];
  for (const file of changed) vitest.invalidateFile(toModuleId(path.resolve(root, file)));
  collector.reset();
  // vitest sets process.exitCode = 1 on any failure; a red run is data here, not a reason to exit non-zero.
  const exitCode = process.exitCode;
  let crash: unknown;
  try {
    await vitest.runTestSpecifications(specsFor(vitest, absFiles));
  } catch (error) {
    crash = error;
  } finally {
    process.exitCode = exitCode;
  }
  const outcome = collector.take();
  return absGroups.map((files, i) => (outcome ? summarize(outcome, files, root) : crashed(groups[i]!, crash)));
}

/** Specifications for exactly these files, including test files created after vitest started. */
function specsFor(vitest: Vitest, absFiles: string[]): TestSpecification[] {
  return absFiles.flatMap((file) => {
    const id = toModuleId(file);
    const known = vitest.getModuleSpecifications(id);
    if (known.length > 0) return known;
    const project = vitest.projects.find((p) => p.matchesTestGlob(id)) ?? vitest.getRootProject();
    return [project.createSpecification(id)];
  });
}

function crashed(files: string[], error: unknown): TestRunResult {
  const message = error instanceof Error ? error.message : `vitest did not finish the run${error ? `: ${String(error)}` : ''}`;
  const fileErrors = files.map((file) => ({ file: file.split(path.sep).join('/'), message }));
  return { collected: 0, passed: 0, failed: 0, skipped: 0, failures: [], fileErrors };
}

/** Vite's module graph keys files by forward-slash absolute paths, also on Windows. */
function toModuleId(absPath: string): string {
  return absPath.split(path.sep).join('/');
}

function viteLogger(log: (line: string) => void): ViteLogger {
  const warned = new Set<string>();
  const emit = (message: string): void => {
    for (const line of stripVTControlCharacters(message).split('\n')) log(line);
  };
  const logger: ViteLogger = {
    hasWarned: false,
    info: emit,
    warn: (message) => {
      logger.hasWarned = true;
      emit(message);
    },
    warnOnce: (message) => {
      if (warned.has(message)) return;
      warned.add(message);
      logger.warn(message);
    },
    error: emit,
    clearScreen: () => {},
    hasErrorLogged: () => false,
  };
  return logger;
}

/** A stream that hands complete lines to `log`, so vitest never writes to process.stdout. */
function lineSink(log: (line: string) => void): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) log(line);
      callback();
    },
    final(callback) {
      if (pending) log(pending);
      callback();
    },
  });
}
