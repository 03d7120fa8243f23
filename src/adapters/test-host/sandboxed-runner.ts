// The TestRunner ainative uses for generated code: the warm vitest of host/vitest-runner.ts in a child process behind
// the strongest wall this machine offers (host-command.ts: bubblewrap, else Node's permission model), generated
// modules confined in compartments inside it, a runtime guard injected into every test file, a deadline on every
// run and a heap limit on every thread. The code under test is untrusted.
import { realpathSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { RefusalError } from '../../core/errors.js';
import type { TestRunResult, TestRunner } from '../../core/ports.js';
import { findBwrap, probeBwrap } from './bwrap.js';
import { makeFolders, resetScratch, type Folders } from './folders.js';
import { hostCommand, type SandboxTier } from './host-command.js';
import { HostProcess, type HostInit } from './host-process.js';
import { runtimeGuardFile } from './paths.js';
import { resolveConfinement, type ConfinementRequest } from './confinement.js';

export type { SandboxTier } from './host-command.js';

/** auto: bubblewrap when it works, else Node's permission model (with a warning); required: refuse without bubblewrap; off: neither. */
export type SandboxMode = 'auto' | 'required' | 'off';

/** How to start the sandboxed runner. */
export interface SandboxedRunnerOptions {
  /** Absolute repo root; read-only inside the sandbox. */
  root: string;
  /** As for createVitestRunner: the user's vitest config, or false. */
  configFile: string | false;
  sandbox: SandboxMode;
  /** Deadline of one run(); past it the host and everything it started is killed and the run counts as failed. */
  runTimeoutMs: number;
  /** The parent's environment; only an allow-list reaches the host. */
  env: NodeJS.ProcessEnv;
  /** Absolute paths of secret files in the repo (.env*, *.pem, *.key), masked inside the sandbox. */
  hiddenPaths: string[];
  /** Called once when the tests will run without a sandbox in `auto` mode. */
  onWarning?: (message: string) => void;
  /** Receives the host's output (vitest's and the tests' console), line by line; default: discarded. */
  log?: (line: string) => void;
  /** The bwrap binary; default: `bwrap` on the PATH of `env`. Tests point it at a missing file. */
  bwrapPath?: string;
  /** How long the host may take to start vitest. */
  startupTimeoutMs?: number;
  /** Most worker threads kept booted between runs; how many follows `expect` once it is called (see VitestRunnerOptions). Default 2. */
  spareWorkers?: number;
  /** Generated modules to run confined and the paths no module may open (see confinement.ts); none when undefined. */
  confinement?: ConfinementRequest;
  /** Heap limit of each test thread, in MB (default 512); the host's own heap is limited to twice that. */
  maxThreadHeapMb?: number;
}

/** A TestRunner whose tests run in a separate, killable (and, when `sandboxed`, bubblewrapped) process. */
export interface SandboxedRunner extends TestRunner {
  /** The wall the host runs behind. */
  readonly tier: SandboxTier;
  /** Pid of the current host process (the bwrap monitor when sandboxed), or undefined between hosts. */
  readonly hostPid: number | undefined;
  /** vitest runs made in hosts so far; runs asked for while one was going share the next. */
  readonly hostRuns: number;
  /** Milliseconds the hosts spent running tests so far (runs that shared a vitest run count once). */
  readonly busyMs: number;
  /** CPU milliseconds the hosts used up to their last runs, all threads, as they reported it. */
  readonly hostCpuMs: number;
  /** Resolves once the first host is up (runs wait for it anyway); rejects with the reason it could not start. */
  ready(): Promise<void>;
  /** Test files to expect (see TestRunner): the host boots threads for them while the model answers. */
  expect(files: number): void;
}

/** `--sandbox required` was asked for and bubblewrap is missing or does not work here. */
export class SandboxUnavailableError extends RefusalError {}

/** A sensible deadline for one run of an intent's test files. */
export const RUN_TIMEOUT_MS = 60_000;
/** Starting node, vite and vitest takes about a second; this is for slow, loaded machines. */
const STARTUP_TIMEOUT_MS = 60_000;
/** Heap limit of one test thread when none is set; the host process gets twice that. */
const THREAD_HEAP_MB = 512;
/** How long close() lets vitest shut down before killing the host. */
const CLOSE_GRACE_MS = 10_000;

const SECOND_TIER =
  "tests run under Node's permission model instead (weaker: no network isolation); install or fix it, or pass --sandbox required to refuse";
/** The warning `auto` mode gives when bwrap is not installed. */
export const BWRAP_MISSING_WARNING = `bubblewrap (bwrap) not found: ${SECOND_TIER.replace('install or fix it', 'install it (apt-get install bubblewrap)')}`;

/**
 * Decides on the sandbox, then starts the host (and vitest in it) in the background and returns a runner that reruns
 * test files there: the host boots while the first model request is out. When that first start fails, the first
 * run() rejects with the reason (a broken vitest config ends the build, it is not a test failure).
 */
export async function createSandboxedRunner(options: SandboxedRunnerOptions): Promise<SandboxedRunner> {
  const bwrap = options.bwrapPath ?? findBwrap(options.env.PATH);
  const tier = await chooseTier(options, bwrap);
  const root = realpathSync(options.root);
  const folders = await makeFolders();
  try {
    const threadHeapMb = options.maxThreadHeapMb ?? THREAD_HEAP_MB;
    const expectedDirs = options.confinement?.modules.map((module) => path.posix.dirname(module.module)) ?? [];
    const command = hostCommand(tier, { root, folders, env: options.env, hiddenPaths: options.hiddenPaths, expectedDirs, hostHeapMb: 2 * threadHeapMb, bwrap });
    const init: HostInit = {
      root,
      configFile: options.configFile,
      setupFiles: [runtimeGuardFile()],
      spareWorkers: options.spareWorkers ?? 2,
      confinement: options.confinement && resolveConfinement(options.confinement, root, folders),
      maxThreadHeapMb: threadHeapMb,
      compileCacheDir: folders.compileCache,
    };
    const startupTimeoutMs = options.startupTimeoutMs ?? STARTUP_TIMEOUT_MS;
    const start = (): Promise<HostProcess> => HostProcess.start(command, init, startupTimeoutMs, options.log);
    return new Runner(start, folders, tier, options.runTimeoutMs);
  } catch (error) {
    await rm(folders.base, { recursive: true, force: true });
    throw error;
  }
}

/** The tier a build would run its tests in here, without starting anything but the bubblewrap probe; for `status`. */
export async function tierFor(sandbox: SandboxMode, env: NodeJS.ProcessEnv): Promise<SandboxTier | 'unavailable'> {
  try {
    return await chooseTier({ sandbox }, findBwrap(env.PATH));
  } catch (error) {
    if (error instanceof SandboxUnavailableError) return 'unavailable';
    throw error;
  }
}

/** bubblewrap when it works; else Node's permission model, unless the user asked for bubblewrap or for nothing. */
async function chooseTier(options: Pick<SandboxedRunnerOptions, 'sandbox' | 'onWarning'>, bwrap: string | undefined): Promise<SandboxTier> {
  if (options.sandbox === 'off') return 'none';
  const probe = await probeBwrap(bwrap);
  if (probe.ok) return 'bwrap';
  const problem = probe.missing ? 'is not installed' : `does not work here (${probe.reason})`;
  if (options.sandbox === 'required') {
    throw new SandboxUnavailableError(
      `--sandbox required, but bubblewrap (bwrap) ${problem}; install it with apt-get install bubblewrap` +
        (probe.missing ? '' : ' and allow unprivileged user namespaces (sysctl kernel.apparmor_restrict_unprivileged_userns=0 on Ubuntu 24.04)'),
    );
  }
  options.onWarning?.(probe.missing ? BWRAP_MISSING_WARNING : `bubblewrap (bwrap) ${problem}: ${SECOND_TIER}`);
  return 'permission';
}

/** A run() waiting for its turn in the host. */
interface Queued {
  files: string[];
  changed: string[];
  resolve: (result: TestRunResult) => void;
  reject: (error: unknown) => void;
}

/** What one trip to the host gave: a result per group, or one failure for all of them. */
type HostRun = { ok: true; results: TestRunResult[] } | { ok: false; failure: TestRunResult; timedOutOrDied: boolean };

/**
 * One run in the host at a time; runs asked for meanwhile wait and then go together as one vitest run, each getting
 * only its own files' results (intents built in parallel finish their model calls together; one vitest run of
 * their test files costs far less than one each). Replaces the host after it timed out or died; a run that timed
 * out or died together with others is retried alone, so one intent's endless loop costs only that intent.
 */
class Runner implements SandboxedRunner {
  private readonly queued: Queued[] = [];
  private current: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private host: HostProcess | undefined;
  /** The first host, booting; taken by the first run. */
  private firstHost: Promise<HostProcess> | undefined;
  hostRuns = 0;
  busyMs = 0;
  /** CPU time of hosts that were replaced. */
  private retiredCpuMs = 0;
  /** Test files announced before the first host was up (undefined once it is); told to it when it is. */
  private expectedEarly: number | undefined = 0;

  constructor(
    private readonly start: () => Promise<HostProcess>,
    private readonly folders: Folders,
    readonly tier: SandboxTier,
    private readonly runTimeoutMs: number,
  ) {
    this.firstHost = start().then((host) => {
      if (this.expectedEarly) host.expect(this.expectedEarly);
      this.expectedEarly = undefined;
      return (this.host = host);
    });
    // Reported to the first run; a runner closed before any run must not leave an unhandled rejection behind.
    this.firstHost.catch(() => {});
  }

  get hostCpuMs(): number {
    return this.retiredCpuMs + (this.host?.cpuMs ?? 0);
  }

  get hostPid(): number | undefined {
    return this.host?.pid;
  }

  async ready(): Promise<void> {
    await this.firstHost;
  }

  run(files: string[], changed: string[]): Promise<TestRunResult> {
    if (this.closing) return Promise.reject(new Error('the sandboxed test runner is closed'));
    return new Promise((resolve, reject) => {
      this.queued.push({ files, changed, resolve, reject });
      this.pump();
    });
  }

  expect(files: number): void {
    if (this.closing) return;
    // Announcements to a host that later dies are lost with it: its replacement boots threads as runs need them.
    if (this.host?.alive) this.host.expect(files);
    else if (this.expectedEarly !== undefined) this.expectedEarly += files;
  }

  /** Ends the host; a run in progress is not waited for (an interrupted build must not sit out an endless loop). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.firstHost?.catch(() => undefined);
      if (this.current) await this.host?.kill('the test runner was closed');
      await this.current;
      for (const waiting of this.queued.splice(0)) waiting.resolve(failedRun('the test runner was closed before the run started'));
      await this.host?.close(CLOSE_GRACE_MS);
      await rm(this.folders.base, { recursive: true, force: true });
    })();
    return this.closing;
  }

  /** Starts the next batch: everything that queued while the host was busy. */
  private pump(): void {
    if (this.current || this.queued.length === 0) return;
    const batch = this.queued.splice(0);
    this.current = this.runBatch(batch)
      // Only the first host's start throws (see firstHost); no caller may be left waiting (settling twice is a no-op).
      .catch((error: unknown) => batch.forEach((waiting) => waiting.reject(error)))
      .finally(() => {
        this.current = undefined;
        this.pump();
      });
  }

  private async runBatch(batch: Queued[]): Promise<void> {
    if (this.closing) {
      for (const waiting of batch) waiting.resolve(failedRun('the test runner was closed before the run started'));
      return;
    }
    const changed = [...new Set(batch.flatMap((waiting) => waiting.changed))];
    const outcome = await this.runInHost(batch.map((waiting) => waiting.files), changed);
    if (outcome.ok) return batch.forEach((waiting, i) => waiting.resolve(outcome.results[i]!));
    if (batch.length === 1 || !outcome.timedOutOrDied) return batch.forEach((waiting) => waiting.resolve(outcome.failure));
    // Which run hung or crashed the host is unknown: give each its own fresh host, in turn.
    for (const waiting of batch) {
      if (this.closing) {
        waiting.resolve(failedRun('the test runner was closed before the run started'));
        continue;
      }
      const alone = await this.runInHost([waiting.files], waiting.changed);
      waiting.resolve(alone.ok ? alone.results[0]! : alone.failure);
    }
  }

  private async runInHost(groups: string[][], changed: string[]): Promise<HostRun> {
    const host = await this.liveHost();
    if (typeof host === 'string') return { ok: false, failure: failedRun(host), timedOutOrDied: false };
    this.hostRuns++;
    const started = performance.now();
    const outcome = await host.run(groups, changed, this.runTimeoutMs);
    this.busyMs += performance.now() - started;
    if (outcome.kind === 'result') {
      if (outcome.results.length === groups.length) return { ok: true, results: outcome.results };
      return { ok: false, failure: failedRun('the test host answered with the wrong number of results'), timedOutOrDied: false };
    }
    if (outcome.kind === 'error') return { ok: false, failure: failedRun(outcome.message), timedOutOrDied: false };
    // Timed out or died: nothing of this host may survive, and the next run gets a fresh one.
    await host.kill(outcome.kind === 'timeout' ? 'the run timed out' : 'it died');
    this.retiredCpuMs += host.cpuMs;
    this.host = undefined;
    const message = outcome.kind === 'died' ? outcome.message : `the test run timed out after ${this.runTimeoutMs} ms (an endless loop?) and was killed`;
    return { ok: false, failure: failedRun(message), timedOutOrDied: true };
  }

  /** The running host, a fresh one when the last died, or why none could be started; throws when the first did not start. */
  private async liveHost(): Promise<HostProcess | string> {
    if (this.firstHost) {
      const first = this.firstHost;
      this.firstHost = undefined;
      await first;
    }
    if (this.host?.alive) return this.host;
    this.host = undefined;
    try {
      // What the killed run left in the scratch folder must not leak into the next one.
      resetScratch(this.folders);
      const host = await this.start();
      if (this.closing) {
        await host.kill('the test runner was closed');
        return 'the test runner was closed';
      }
      this.host = host;
      return host;
    } catch (error) {
      return `the test host did not start: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
}

function failedRun(message: string): TestRunResult {
  return { collected: 0, passed: 0, failed: 0, skipped: 0, failures: [], fileErrors: [{ file: '', message }] };
}
