// The TestRunner ainative uses for generated code: the warm vitest of vitest-runner.ts, moved into a child process
// that runs inside bubblewrap (read-only repo, no network, hidden home and secrets, scrubbed environment), with a
// runtime guard injected into every test file and a deadline on every run. The code under test is untrusted.
import { realpathSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RefusalError } from '../core/errors.js';
import type { TestRunResult, TestRunner } from '../core/ports.js';
import { bwrapArgs, findBwrap, probeBwrap, type BwrapLayout } from './sandbox-bwrap.js';
import { scrubEnv } from './sandbox-env.js';
import { makeFolders, resetScratch, type Folders } from './sandbox-folders.js';
import { HostProcess, type HostCommand, type HostInit } from './sandbox-host-process.js';
import { dependenciesDir, hostScript, packageDir, runtimeGuardFile } from './sandbox-paths.js';

/** auto: sandbox when bwrap works, else warn and run unsandboxed; required: refuse without it; off: never. */
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
}

/** A TestRunner whose tests run in a separate, killable (and, when `sandboxed`, bubblewrapped) process. */
export interface SandboxedRunner extends TestRunner {
  readonly sandboxed: boolean;
  /** Pid of the current host process (the bwrap monitor when sandboxed), or undefined between hosts. */
  readonly hostPid: number | undefined;
}

/** `--sandbox required` was asked for and bubblewrap is missing or does not work here. */
export class SandboxUnavailableError extends RefusalError {}

/** A sensible deadline for one run of an intent's test files. */
export const RUN_TIMEOUT_MS = 60_000;
/** Starting node, vite and vitest takes about a second; this is for slow, loaded machines. */
const STARTUP_TIMEOUT_MS = 60_000;
/** How long close() lets vitest shut down before killing the host. */
const CLOSE_GRACE_MS = 10_000;

/** The warning `auto` mode gives when bwrap is not installed. */
export const BWRAP_MISSING_WARNING =
  'bubblewrap (bwrap) not found: tests run without a sandbox; install it (apt-get install bubblewrap) or pass --sandbox required to refuse';

/** Starts the host (and vitest in it) and returns a runner that reruns test files there. */
export async function createSandboxedRunner(options: SandboxedRunnerOptions): Promise<SandboxedRunner> {
  const bwrap = options.bwrapPath ?? findBwrap(options.env.PATH);
  const sandboxed = await chooseSandbox(options, bwrap);
  const root = realpathSync(options.root);
  const folders = await makeFolders();
  try {
    const command = sandboxed ? bwrapCommand(options, root, folders, bwrap!) : nodeCommand(options, root, folders);
    const init: HostInit = { root, configFile: options.configFile, setupFiles: [runtimeGuardFile()] };
    const startupTimeoutMs = options.startupTimeoutMs ?? STARTUP_TIMEOUT_MS;
    const start = (): Promise<HostProcess> => HostProcess.start(command, init, startupTimeoutMs, options.log);
    return new Runner(await start(), start, folders, sandboxed, options.runTimeoutMs);
  } catch (error) {
    await rm(folders.base, { recursive: true, force: true });
    throw error;
  }
}

async function chooseSandbox(options: SandboxedRunnerOptions, bwrap: string | undefined): Promise<boolean> {
  if (options.sandbox === 'off') return false;
  const probe = await probeBwrap(bwrap);
  if (probe.ok) return true;
  const problem = probe.missing ? 'is not installed' : `does not work here (${probe.reason})`;
  if (options.sandbox === 'required') {
    throw new SandboxUnavailableError(
      `--sandbox required, but bubblewrap (bwrap) ${problem}; install it with apt-get install bubblewrap` +
        (probe.missing ? '' : ' and allow unprivileged user namespaces (sysctl kernel.apparmor_restrict_unprivileged_userns=0 on Ubuntu 24.04)'),
    );
  }
  options.onWarning?.(
    probe.missing
      ? BWRAP_MISSING_WARNING
      : `bubblewrap (bwrap) ${problem}: tests run without a sandbox; fix it or pass --sandbox required to refuse`,
  );
  return false;
}

/** node running the host script directly: own process group and scrubbed environment, but no sandbox. */
function nodeCommand(options: SandboxedRunnerOptions, root: string, folders: Folders): HostCommand {
  // There is no empty home to show; a fresh folder keeps tools away from the user's dotfiles.
  const env = scrubEnv(options.env, { tmpdir: folders.scratch, home: path.join(folders.scratch, 'home') });
  return { file: process.execPath, args: [hostScript()], env, cwd: root };
}

/** node running the host script inside bubblewrap. */
function bwrapCommand(options: SandboxedRunnerOptions, root: string, folders: Folders, bwrap: string): HostCommand {
  const home = realHome(options.env);
  const layout: BwrapLayout = {
    root,
    scratch: folders.scratch,
    home,
    visible: [packageDir(), dependenciesDir(), path.dirname(path.dirname(realpathSync(process.execPath)))].map(real),
    ...splitHidden(options.hiddenPaths),
    emptyFile: folders.empty,
  };
  const env = scrubEnv(options.env, { tmpdir: folders.scratch, home: home ?? folders.scratch });
  // bwrap gets the scrubbed environment too: it is readable as /proc/1/environ inside the sandbox.
  return { file: bwrap, args: bwrapArgs(layout, [process.execPath, hostScript()]), env, cwd: root };
}

function realHome(env: NodeJS.ProcessEnv): string | undefined {
  const home = env.HOME ?? os.homedir();
  try {
    return realpathSync(home);
  } catch {
    return undefined;
  }
}

/** Existing hidden paths, resolved through symlinks, split into files and folders; missing ones need no mask. */
function splitHidden(paths: string[]): Pick<BwrapLayout, 'hiddenFiles' | 'hiddenDirs'> {
  const hiddenFiles: string[] = [];
  const hiddenDirs: string[] = [];
  for (const hidden of paths) {
    let resolved: string;
    try {
      resolved = realpathSync(hidden);
    } catch {
      continue;
    }
    (statSync(resolved).isDirectory() ? hiddenDirs : hiddenFiles).push(resolved);
  }
  return { hiddenFiles, hiddenDirs };
}

function real(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

/** Serializes runs and replaces the host after it timed out or died. */
class Runner implements SandboxedRunner {
  private queue: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | undefined;
  private running = false;

  constructor(
    private host: HostProcess | undefined,
    private readonly start: () => Promise<HostProcess>,
    private readonly folders: Folders,
    readonly sandboxed: boolean,
    private readonly runTimeoutMs: number,
  ) {}

  get hostPid(): number | undefined {
    return this.host?.pid;
  }

  run(files: string[], changed: string[]): Promise<TestRunResult> {
    if (this.closing) return Promise.reject(new Error('the sandboxed test runner is closed'));
    const next = this.queue.then(() => this.runOnce(files, changed));
    this.queue = next.catch(() => {});
    return next;
  }

  /** Ends the host; a run in progress is not waited for (an interrupted build must not sit out an endless loop). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.running) await this.host?.kill('the test runner was closed');
      await this.queue;
      await this.host?.close(CLOSE_GRACE_MS);
      await rm(this.folders.base, { recursive: true, force: true });
    })();
    return this.closing;
  }

  private async runOnce(files: string[], changed: string[]): Promise<TestRunResult> {
    if (this.closing) return failedRun('the test runner was closed before the run started');
    this.running = true;
    try {
      return await this.runInHost(files, changed);
    } finally {
      this.running = false;
    }
  }

  private async runInHost(files: string[], changed: string[]): Promise<TestRunResult> {
    const host = await this.liveHost();
    if (typeof host === 'string') return failedRun(host);
    const outcome = await host.run(files, changed, this.runTimeoutMs);
    if (outcome.kind === 'result') return outcome.result;
    if (outcome.kind === 'error') return failedRun(outcome.message);
    // Timed out or died: nothing of this host may survive, and the next run gets a fresh one.
    await host.kill(outcome.kind === 'timeout' ? 'the run timed out' : 'it died');
    this.host = undefined;
    if (outcome.kind === 'died') return failedRun(outcome.message);
    return failedRun(`the test run timed out after ${this.runTimeoutMs} ms (an endless loop?) and was killed`);
  }

  /** The running host, a fresh one when the last died, or why none could be started. */
  private async liveHost(): Promise<HostProcess | string> {
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
