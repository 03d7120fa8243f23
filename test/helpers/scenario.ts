import { startFakeModelServer, type FakeReply, type FakeRequest } from './fake-model-server.js';
import { runCli, type CliResult } from './run-cli.js';
import type { TempRepo } from './temp-repo.js';

export interface ScenarioResult extends CliResult {
  requests: FakeRequest[];
}

/** Runs the CLI in `repo` against a fake model server that answers with `replies`, then stops the server. */
export async function runWithModel(
  repo: TempRepo,
  replies: FakeReply[],
  args: string[] = ['build'],
  env: Record<string, string> = {},
): Promise<ScenarioResult> {
  const server = await startFakeModelServer({ replies });
  try {
    const result = await runCli(args, {
      cwd: repo.root,
      env: { OPENAI_BASE_URL: server.baseUrl, OPENAI_API_KEY: 'sk-test-not-a-real-key', ...env },
    });
    return { ...result, requests: server.requests };
  } finally {
    await server.close();
  }
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
