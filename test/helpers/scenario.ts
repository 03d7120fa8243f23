import {
  type FakeModelServer,
  type FakeModelServerOptions,
  type FakeReply,
  type FakeRequest,
  startFakeModelServer,
} from './fake-model-server.js';
import { type CliResult, type RunCliOptions, runCli } from './run-cli.js';
import type { TempRepo } from './temp-repo.js';

export interface ScenarioResult extends CliResult {
  requests: FakeRequest[];
  /** The most chat requests the server had in flight at once. */
  maxConcurrent: number;
}

/**
 * Runs the CLI in `repo` against a fake model server that answers with `model` (the replies in order, or the server's
 * options), then stops the server. The API key is a placeholder unless `env` sets one.
 */
export async function runWithModel(
  repo: TempRepo,
  model: FakeReply[] | FakeModelServerOptions,
  args: string[] = ['build'],
  env: Record<string, string> = {},
  options: Omit<RunCliOptions, 'cwd' | 'env'> = {},
): Promise<ScenarioResult> {
  const server = await startFakeModelServer(Array.isArray(model) ? { replies: model } : model);
  try {
    const result = await runCli(args, { ...options, cwd: repo.root, env: { ...modelEnv(server), ...env } });
    return { ...result, requests: server.requests, maxConcurrent: server.maxConcurrent };
  } finally {
    await server.close();
  }
}

/** The environment that points the CLI at `server`, with a placeholder key. */
export function modelEnv(server: FakeModelServer): Record<string, string> {
  return { OPENAI_BASE_URL: server.baseUrl, OPENAI_API_KEY: 'sk-test-not-a-real-key' };
}

/** The last user message of a recorded chat request. */
export function lastUserMessage(request: FakeRequest): string {
  const messages = (request.body?.messages ?? []) as Array<{ role: string; content: string }>;
  return [...messages].reverse().find((message) => message.role === 'user')?.content ?? '';
}

/** All message text of a recorded chat request. */
export function allMessages(request: FakeRequest): string {
  return ((request.body?.messages ?? []) as Array<{ content: string }>).map((message) => message.content).join('\n');
}

/** Paths git reports as changed, leaving out ainative's response cache and the .gitattributes line that marks it. */
export async function userChanges(repo: TempRepo): Promise<string[]> {
  const status = await repo.git.status();
  return status.files.map((file) => file.path).filter((path) => !path.startsWith('.ainative/') && path !== '.gitattributes');
}
