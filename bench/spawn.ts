import { execa } from 'execa';
import { msSince } from './stats.js';

/** What a spawned command did and how long it took from spawn to exit. */
export interface SpawnResult {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Where and how to spawn; `onSpawn` gets the child's pid, for a caller that watches the process while it runs. */
export interface SpawnOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  onSpawn?: (pid: number) => void;
}

/** Spawns `file args` (no shell) and times it until exit; kills it past `timeoutMs`. Rejects only when it could not start. */
export async function spawnTimed(file: string, args: string[], options: SpawnOptions): Promise<SpawnResult> {
  const start = process.hrtime.bigint();
  // execa, as everywhere else in the project: exit codes and timeouts become results (`reject: false`), and the output
  // is kept as the process wrote it (`stripFinalNewline: false`).
  const child = execa(file, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    extendEnv: false,
    stdin: 'ignore',
    reject: false,
    stripFinalNewline: false,
    timeout: options.timeoutMs ?? 120_000,
    killSignal: 'SIGKILL',
  });
  if (child.pid !== undefined) options.onSpawn?.(child.pid);
  const result = await child;
  const ms = msSince(start);
  if (result.exitCode === undefined && result.signal === undefined && !result.timedOut) throw result;
  return { ms, code: result.exitCode ?? null, stdout: result.stdout, stderr: result.stderr };
}

/** Like spawnTimed, but a non-zero exit is an error naming the command and its output. */
export async function spawnOk(file: string, args: string[], options: SpawnOptions): Promise<SpawnResult> {
  const result = await spawnTimed(file, args, options);
  if (result.code !== 0) {
    throw new Error(`${[file, ...args].join(' ')} exited ${result.code}\n${result.stdout.slice(-2000)}\n${result.stderr.slice(-2000)}`);
  }
  return result;
}
