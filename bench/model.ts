// The fake model server wired to a repo's correct modules, and the CLI run against it.
import { loadFakeServer } from './dist.js';
import { intentOf } from './fixtures/graph.js';
import { spawnOk, spawnTimed, type SpawnResult } from './spawn.js';
import { CLI_PATH, cliEnv } from '../test/helpers/run-cli.js';

type FakeServer = Awaited<ReturnType<Awaited<ReturnType<typeof loadFakeServer>>['startFakeModelServer']>>;
type FakeRequest = FakeServer['requests'][number];

/** Starts a fake model that answers each intent with `codeFor(id, attempt)` after `latencyMs`. */
export async function startModel(
  codeFor: (id: string, attempt: number) => { path: string; code: string },
  latencyMs = 0,
): Promise<FakeServer> {
  const { startFakeModelServer, codeReply } = await loadFakeServer();
  const attempts = new Map<string, number>();
  return startFakeModelServer({
    respond: (request: FakeRequest) => {
      const id = intentOf(request.body?.messages);
      const attempt = (attempts.get(id) ?? 0) + 1;
      attempts.set(id, attempt);
      const { path, code } = codeFor(id, attempt);
      return { content: codeReply(path, code), ...(latencyMs > 0 ? { latencyMs } : {}) };
    },
  });
}

/** Environment pointing the CLI at the fake server. */
export function modelEnv(server: FakeServer): NodeJS.ProcessEnv {
  return cliEnv({ OPENAI_BASE_URL: server.baseUrl, OPENAI_API_KEY: 'sk-bench-not-a-real-key' });
}

/** One module of `ainative build --json`. */
export interface BuiltModule {
  id: string;
  status: string;
  attempts: number;
  tokens: { prompt: number; completion: number };
}

/** Runs `ainative build <args> --json`, which must succeed; returns its modules and timing. */
export async function buildJson(
  cwd: string,
  env: NodeJS.ProcessEnv,
  args: string[] = [],
): Promise<{ run: SpawnResult; modules: BuiltModule[] }> {
  const run = await spawnOk(process.execPath, [CLI_PATH, 'build', ...args, '--json'], { cwd, env, timeoutMs: 600_000 });
  return { run, modules: builtModules(run) };
}

/** The modules of a `build --json` run, which must have exited 0 and reported ok. */
export function builtModules(run: SpawnResult): BuiltModule[] {
  if (run.code !== 0) throw new Error(`build exited ${run.code}\n${run.stdout.slice(0, 2000)}\n${run.stderr.slice(-2000)}`);
  const report = JSON.parse(run.stdout) as { ok: boolean; modules: BuiltModule[] };
  if (!report.ok) throw new Error(`build reported ok: false\n${run.stdout.slice(0, 3000)}`);
  return report.modules;
}

/** Runs the CLI with `args`, timed, whatever its exit code. */
export function runCli(cwd: string, env: NodeJS.ProcessEnv, args: string[]): Promise<SpawnResult> {
  return spawnTimed(process.execPath, [CLI_PATH, ...args], { cwd, env, timeoutMs: 600_000 });
}
