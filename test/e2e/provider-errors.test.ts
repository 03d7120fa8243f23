import { afterEach, expect, it } from 'vitest';
import { codeReply, startFakeModelServer, type FakeReply } from '../helpers/fake-model-server.js';
import { runCli } from '../helpers/run-cli.js';
import { runWithModel } from '../helpers/scenario.js';
import { SUM_INTENT, SUM_RIGHT, sumRepoFiles } from '../helpers/sum-fixture.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

/** A repo whose `sum` was built and committed, then its intent changed and committed: the next build would rewrite src/sum.ts. */
async function builtThenStale(): Promise<TempRepo> {
  const created = await createTempRepo(sumRepoFiles(), { commit: true });
  expect((await runWithModel(created, [{ content: codeReply('src/sum.ts', SUM_RIGHT) }])).exitCode).toBe(0);
  await created.write('intents/sum.intent.md', `${SUM_INTENT}Handles big numbers too.\n`);
  await created.commit('built sum, then changed its intent');
  return created;
}

const overLength =
  "This model's maximum context length is 8192 tokens. However, you requested 9100 tokens (8100 in the messages, 1000 in the completion).";

it.each<[string, FakeReply]>([
  ['vLLM', { streamError: { message: overLength }, contentBefore: '```ts src/sum.ts\nexport function sum(' }],
  ['LiteLLM', { streamError: { message: overLength, code: 400 }, from: 'litellm', contentBefore: '```ts src/sum.ts\n' }],
])('an error event inside a %s stream is a provider error: exit 3, its message, one request, files untouched', async (_server, failing) => {
  repo = await builtThenStale();
  const before = { module: await repo.read('src/sum.ts'), lock: await repo.read('ainative.lock') };
  const run = await runWithModel(repo, [failing, { content: codeReply('src/sum.ts', SUM_RIGHT) }]);

  expect(run.exitCode).toBe(3);
  expect(run.stderr).toContain(`ainative: model provider reported an error inside its reply stream: ${overLength}`);
  expect(run.requests).toHaveLength(1);
  expect(await repo.read('src/sum.ts')).toBe(before.module);
  expect(await repo.read('ainative.lock')).toBe(before.lock);
  expect((await repo.git.status()).files).toEqual([]);
});

it('a base URL without /v1 that answers 404 is named in the error, with the /v1 hint', async () => {
  repo = await createTempRepo(sumRepoFiles(), { commit: true });
  const server = await startFakeModelServer({ replies: [] });
  const base = server.baseUrl.replace(/\/v1$/, '');
  try {
    // The fake serves under /v1 and at the root, as some servers do; a path prefix it does not know is a 404.
    const run = await runCli(['build'], { cwd: repo.root, env: { OPENAI_BASE_URL: `${base}/api`, OPENAI_API_KEY: 'sk-test' } });
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toMatch(
      new RegExp(`^ainative: model provider at ${base}/api: model 'gpt-4o-mini' or endpoint not found \\(404\\)`, 'm'),
    );
    expect(run.stderr).toContain(`OpenAI-compatible servers usually serve under /v1 (try ${base}/api/v1)`);
    expect(server.requests).toHaveLength(0);
    expect((await repo.git.status()).files).toEqual([]);
  } finally {
    await server.close();
  }
});

it('a base URL where nothing listens is named in the error, with the /v1 hint', async () => {
  repo = await createTempRepo(sumRepoFiles(), { commit: true });
  const gone = await startFakeModelServer();
  await gone.close();
  const base = gone.baseUrl.replace(/\/v1$/, '');
  // The SDK retries a refused connection three times with back-off (~3.5 s) before giving up.
  const run = await runCli(['build'], { cwd: repo.root, env: { OPENAI_BASE_URL: base, OPENAI_API_KEY: 'sk-test' } });

  expect(run.exitCode).toBe(3);
  const message = `ainative: cannot reach ${base} (connection refused) — is the server running? OpenAI-compatible servers usually serve under /v1`;
  expect(run.stderr.split('\n')).toContain(message);
  expect((await repo.git.status()).files).toEqual([]);
});
