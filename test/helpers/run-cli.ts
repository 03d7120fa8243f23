import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

/** The built CLI; `npm test` builds it first. */
export const CLI_PATH = fileURLToPath(new URL('../../dist/src/cli/index.js', import.meta.url));

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunCliOptions {
  cwd: string;
  /** Extra environment; OPENAI_* and AINATIVE_* from the outer environment are never passed on. */
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}

/** Runs the built CLI; never throws, whatever the exit code. */
export async function runCli(args: string[], options: RunCliOptions): Promise<CliResult> {
  return startCli(args, options).result;
}

/** Starts the built CLI and hands back the child (to send it signals) and its eventual result. */
export function startCli(
  args: string[],
  options: RunCliOptions,
): { pid: number | undefined; kill(signal: NodeJS.Signals): void; result: Promise<CliResult> } {
  const child = execa(process.execPath, [CLI_PATH, ...args], {
    cwd: options.cwd,
    env: { ...cleanEnv(), NO_COLOR: '1', ...options.env },
    extendEnv: false,
    reject: false,
    timeout: options.timeoutMs ?? 60_000,
    stdin: 'ignore',
  });
  const result = child.then((done) => ({
    exitCode: done.exitCode ?? (done.signal ? -1 : -1),
    stdout: String(done.stdout),
    stderr: String(done.stderr),
  }));
  return { pid: child.pid, kill: (signal) => void child.kill(signal), result };
}

function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(OPENAI_|AINATIVE_|VITEST|NO_COLOR|FORCE_COLOR)/.test(key)) continue;
    env[key] = value;
  }
  return env;
}
