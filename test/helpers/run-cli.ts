import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

/** The built CLI; `npm test` and `npm run bench` build it first. */
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
  /** Another build of the CLI (e.g. a copy of the package) instead of CLI_PATH. */
  cli?: string;
  /** Text for the CLI's stdin; without it stdin is closed. */
  input?: string;
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
  const child = execa(process.execPath, [options.cli ?? CLI_PATH, ...args], {
    cwd: options.cwd,
    env: cliEnv(options.env),
    extendEnv: false,
    reject: false,
    timeout: options.timeoutMs ?? 60_000,
    ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
  });
  const result = child.then((done) => ({
    exitCode: done.exitCode ?? (done.signal ? -1 : -1),
    stdout: String(done.stdout),
    stderr: String(done.stderr),
  }));
  return { pid: child.pid, kill: (signal) => void child.kill(signal), result };
}

/**
 * The whole environment for a run of the CLI: the outer one without the model's, ainative's, the test runner's and
 * npm's script variables or colour settings (so a developer's setup cannot leak into what is measured or asserted),
 * then NO_COLOR, then `extra`.
 */
export function cliEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(OPENAI_|AINATIVE_|VITEST|NO_COLOR|FORCE_COLOR|npm_)/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, NO_COLOR: '1', ...extra };
}
