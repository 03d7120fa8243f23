// The TestRunner ainative uses for generated code: the warm vitest of host/vitest-runner.ts in a child process behind
// the strongest wall this machine offers (host-command.ts: bubblewrap, else Node's permission model), generated
// modules confined in compartments inside it, a runtime guard injected into every test file, a deadline on every
// run and a heap limit on every thread. The code under test is untrusted.
import { realpathSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { RefusalError } from '../../core/errors.js';
import type { TestRunner } from '../../core/ports.js';
import { findBwrap, probeBwrap } from './bwrap.js';
import { makeFolders } from './folders.js';
import { hostCommand, type SandboxTier } from './host-command.js';
import { HostProcess, type HostInit } from './host-process.js';
import { HostRunner } from './host-runner.js';
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

/** Starting node, vite and vitest takes about a second; this is for slow, loaded machines. */
const STARTUP_TIMEOUT_MS = 60_000;
/** Heap limit of one test thread when none is set; the host process gets twice that. */
const THREAD_HEAP_MB = 512;

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
    const command = hostCommand(tier, {
      root,
      folders,
      env: options.env,
      hiddenPaths: options.hiddenPaths,
      expectedDirs,
      hostHeapMb: 2 * threadHeapMb,
      bwrap,
    });
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
    return new HostRunner(start, folders, tier, options.runTimeoutMs);
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
        (probe.missing
          ? ''
          : ' and allow unprivileged user namespaces (sysctl kernel.apparmor_restrict_unprivileged_userns=0 on Ubuntu 24.04)'),
    );
  }
  // bubblewrap is Linux's: elsewhere the permission model is the expected tier, not news worth a warning.
  if (process.platform === 'linux')
    options.onWarning?.(probe.missing ? BWRAP_MISSING_WARNING : `bubblewrap (bwrap) ${problem}: ${SECOND_TIER}`);
  return 'permission';
}
