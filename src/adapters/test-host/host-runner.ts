// The queue in front of the test host: one run in the host at a time, runs asked for meanwhile batched into the next
// vitest run, a fresh host after one timed out or died. Started by sandboxed-runner.ts.
import { rm } from 'node:fs/promises';
import type { TestRunResult } from '../../core/ports.js';
import { resetScratch, type Folders } from './folders.js';
import type { SandboxTier } from './host-command.js';
import type { HostProcess } from './host-process.js';
import type { SandboxedRunner } from './sandboxed-runner.js';

/** How long close() lets vitest shut down before killing the host. */
const CLOSE_GRACE_MS = 10_000;

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
export class HostRunner implements SandboxedRunner {
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
      this.host = host;
      return host;
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
    const outcome = await this.runInHost(
      batch.map((waiting) => waiting.files),
      changed,
    );
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
    const message =
      outcome.kind === 'died' ? outcome.message : `the test run timed out after ${this.runTimeoutMs} ms (an endless loop?) and was killed`;
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
