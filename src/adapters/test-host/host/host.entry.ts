// The child process that keeps one warm vitest for the sandboxed runner. Started by sandboxed-runner.ts, usually
// inside bubblewrap; reads requests from stdin, answers on fd 3 (see protocol.ts) and exits when stdin
// closes. Everything vitest and the tests print goes to this process's stderr, which the parent drains.
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { descendantPids, killPids } from '../process-tree.js';
import { RESPONSE_FD, type ExpectRequest, type HostMessage, type InitRequest, type RunRequest } from '../protocol.js';
import { createVitestRunner, type GroupRunner } from './vitest-runner.js';

/** How long closing vitest may take after the parent hung up before the host exits anyway. */
const CLOSE_GRACE_MS = 5_000;

type WithoutToken<M> = M extends unknown ? Omit<M, 'token'> : never;
type Answer = WithoutToken<HostMessage>;

function main(): void {
  const out = createWriteStream('', { fd: RESPONSE_FD });
  let send: ((answer: Answer) => void) | undefined;
  let runner: Promise<GroupRunner | undefined> | undefined;
  let queue: Promise<void> = Promise.resolve();
  let busy = false;
  const serve = async (request: RunRequest): Promise<void> => {
    const started = await runner;
    if (!started) return;
    busy = true;
    try {
      const results = await started.runGroups(request.groups, request.changed);
      // The host's CPU time so far, all its threads: inside bwrap it is out of reach of the parent's resource usage.
      const cpu = process.cpuUsage();
      send!({ type: 'result', id: request.id, results, cpuMs: (cpu.user + cpu.system) / 1000 });
    } catch (error) {
      send!({ type: 'error', id: request.id, message: describe(error) });
    } finally {
      busy = false;
    }
  };
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (!runner) {
      const init = parseInit(line);
      if (!init) return process.exit(2);
      send = (answer) => out.write(`${JSON.stringify({ token: init.token, ...answer })}\n`);
      runner = start(init, send, out);
      return;
    }
    const expected = parseExpect(line);
    if (expected) return void runner.then((started) => started?.expect(expected.files));
    const request = parseRun(line);
    if (request) queue = queue.then(() => serve(request));
  });
  // Watched here, not between runs: a run stuck in an endless loop must not keep an orphaned host alive.
  lines.on('close', () => void shutdown(runner, busy));
}

/** Starts vitest and answers `ready`, or reports why it could not and exits. */
async function start(init: InitRequest, send: (answer: Answer) => void, out: NodeJS.WritableStream): Promise<GroupRunner | undefined> {
  try {
    const runner = await createVitestRunner({
      root: init.root,
      configFile: init.configFile,
      setupFiles: init.setupFiles,
      spareWorkers: init.spareWorkers,
      confinement: init.confinement,
      maxThreadHeapMb: init.maxThreadHeapMb,
      compileCacheDir: init.compileCacheDir,
      // The repo is read-only in the sandbox; vite's default loader would write a temporary config file into it.
      configLoader: 'runner',
      log,
    });
    send({ type: 'ready' });
    return runner;
  } catch (error) {
    // The stack goes to the host's output, which the parent shows when the host does not start.
    if (error instanceof Error && error.stack) log(error.stack);
    send({ type: 'error', message: `vitest did not start: ${describe(error)}` });
    exitSoon(1, out);
    return undefined;
  }
}

/** stdin closed: the parent is done with us, or gone. A run in progress cannot be waited for; it may never end. */
async function shutdown(runner: Promise<GroupRunner | undefined> | undefined, busy: boolean): Promise<void> {
  if (runner && !busy) {
    setTimeout(exitWithoutChildren, CLOSE_GRACE_MS).unref();
    const started = await runner;
    await started?.close().catch(() => {});
  }
  exitWithoutChildren();
}

/** Exits, taking along what the tests spawned: unsandboxed, a detached child would otherwise outlive the host. */
function exitWithoutChildren(): never {
  killPids(descendantPids(process.pid));
  process.exit(0);
}

function parseInit(line: string): InitRequest | undefined {
  const value = parseJson(line) as Partial<InitRequest> | undefined;
  if (value?.type !== 'init' || typeof value.token !== 'string' || typeof value.root !== 'string') return undefined;
  if (!Array.isArray(value.setupFiles) || !(value.configFile === false || typeof value.configFile === 'string')) return undefined;
  if (typeof value.spareWorkers !== 'number' || !Number.isSafeInteger(value.spareWorkers) || value.spareWorkers < 0) return undefined;
  if (typeof value.maxThreadHeapMb !== 'number' || !(value.maxThreadHeapMb > 0)) return undefined;
  return value as InitRequest;
}

function parseExpect(line: string): ExpectRequest | undefined {
  const value = parseJson(line) as Partial<ExpectRequest> | undefined;
  if (value?.type !== 'expect' || typeof value.files !== 'number' || !Number.isSafeInteger(value.files)) return undefined;
  return value as ExpectRequest;
}

function parseRun(line: string): RunRequest | undefined {
  const value = parseJson(line) as Partial<RunRequest> | undefined;
  if (value?.type !== 'run' || typeof value.id !== 'number') return undefined;
  if (!Array.isArray(value.groups) || !value.groups.every(Array.isArray) || !Array.isArray(value.changed)) return undefined;
  return value as RunRequest;
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Exits once pending answers are flushed; vitest may leave handles open that would keep the process alive. */
function exitSoon(code: number, out?: NodeJS.WritableStream): void {
  if (!out) process.exit(code);
  out.end(() => process.exit(code));
}

main();
