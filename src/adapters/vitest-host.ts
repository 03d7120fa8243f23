// The child process that keeps one warm vitest for the sandboxed runner. Started by sandboxed-runner.ts, usually
// inside bubblewrap; reads requests from stdin, answers on fd 3 (see sandbox-protocol.ts) and exits when stdin
// closes. Everything vitest and the tests print goes to this process's stderr, which the parent drains.
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { TestRunner } from '../core/ports.js';
import { RESPONSE_FD, type HostMessage, type InitRequest, type RunRequest } from './sandbox-protocol.js';
import { createVitestRunner } from './vitest-runner.js';

/** How long closing vitest may take after the parent hung up before the host exits anyway. */
const CLOSE_GRACE_MS = 5_000;

type WithoutToken<M> = M extends unknown ? Omit<M, 'token'> : never;
type Answer = WithoutToken<HostMessage>;

async function main(): Promise<void> {
  const out = createWriteStream('', { fd: RESPONSE_FD });
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })[Symbol.asyncIterator]();
  const first = await lines.next();
  const init = first.done ? undefined : parseInit(first.value);
  if (!init) return exitSoon(2);
  const send = (answer: Answer): void => {
    out.write(`${JSON.stringify({ token: init.token, ...answer })}\n`);
  };
  let runner: TestRunner;
  try {
    runner = await createVitestRunner({
      root: init.root,
      configFile: init.configFile,
      setupFiles: init.setupFiles,
      // The repo is read-only in the sandbox; vite's default loader would write a temporary config file into it.
      configLoader: 'runner',
      log,
    });
  } catch (error) {
    send({ type: 'error', message: `vitest did not start: ${describe(error)}` });
    return exitSoon(1, out);
  }
  send({ type: 'ready' });
  for (let next = await lines.next(); !next.done; next = await lines.next()) {
    const request = parseRun(next.value);
    if (!request) continue;
    try {
      send({ type: 'result', id: request.id, result: await runner.run(request.files, request.changed) });
    } catch (error) {
      send({ type: 'error', id: request.id, message: describe(error) });
    }
  }
  // stdin closed: the parent is done with us (or gone).
  const timer = setTimeout(() => process.exit(0), CLOSE_GRACE_MS);
  await runner.close().catch(() => {});
  clearTimeout(timer);
  exitSoon(0, out);
}

function parseInit(line: string): InitRequest | undefined {
  const value = parseJson(line) as Partial<InitRequest> | undefined;
  if (value?.type !== 'init' || typeof value.token !== 'string' || typeof value.root !== 'string') return undefined;
  if (!Array.isArray(value.setupFiles) || !(value.configFile === false || typeof value.configFile === 'string')) return undefined;
  return value as InitRequest;
}

function parseRun(line: string): RunRequest | undefined {
  const value = parseJson(line) as Partial<RunRequest> | undefined;
  if (value?.type !== 'run' || typeof value.id !== 'number') return undefined;
  if (!Array.isArray(value.files) || !Array.isArray(value.changed)) return undefined;
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
  if (!out) return process.exit(code);
  out.end(() => process.exit(code));
}

main().catch((error: unknown) => {
  process.stderr.write(`ainative test host failed: ${describe(error)}\n`);
  process.exit(70);
});
