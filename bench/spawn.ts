import { spawn } from 'node:child_process';
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

/** Spawns `file args` (no shell) and times it until exit; kills it past `timeoutMs`. */
export function spawnTimed(file: string, args: string[], options: SpawnOptions): Promise<SpawnResult> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(file, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      const ms = msSince(start);
      clearTimeout(timer);
      resolve({ ms, code, stdout, stderr });
    });
  });
}

/** Like spawnTimed, but a non-zero exit is an error naming the command and its output. */
export async function spawnOk(file: string, args: string[], options: SpawnOptions): Promise<SpawnResult> {
  const result = await spawnTimed(file, args, options);
  if (result.code !== 0) {
    throw new Error(`${[file, ...args].join(' ')} exited ${result.code}\n${result.stdout.slice(-2000)}\n${result.stderr.slice(-2000)}`);
  }
  return result;
}

/** The environment for the CLI: the outer one without model settings or colour, plus `extra`. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(OPENAI_|AINATIVE_|VITEST|NO_COLOR|FORCE_COLOR|npm_)/.test(key)) env[key] = value;
  }
  return { ...env, NO_COLOR: '1', ...extra };
}
