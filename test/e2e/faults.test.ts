import { afterEach, expect, it } from 'vitest';
import { codeReply } from '../helpers/fake-model-server.js';
import { lastUserMessage, runWithModel, userChanges } from '../helpers/scenario.js';
import { runCli } from '../helpers/run-cli.js';
import { SUM_RIGHT, sumRepoFiles } from '../helpers/sum-fixture.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

const right = { content: codeReply('src/sum.ts', SUM_RIGHT) };

async function cleanRepo(): Promise<TempRepo> {
  return createTempRepo(sumRepoFiles(), { commit: true });
}

it('retries a 429 after its retry-after and then builds', async () => {
  repo = await cleanRepo();
  const run = await runWithModel(repo, [{ status: 429, retryAfterSeconds: 0 }, right]);

  expect(run.exitCode).toBe(0);
  expect(run.requests).toHaveLength(2);
  expect(await repo.read('src/sum.ts')).toContain('return a + b;');
});

it('does not retry insufficient_quota: one request, provider exit code, nothing written', async () => {
  repo = await cleanRepo();
  const quota = {
    status: 429,
    error: { message: 'You exceeded your current quota', type: 'insufficient_quota', code: 'insufficient_quota' },
  };
  const run = await runWithModel(repo, [quota, right]);

  expect(run.exitCode).toBe(3);
  expect(run.requests).toHaveLength(1);
  expect(run.stderr).toMatch(/quota exhausted \(insufficient_quota\)/);
  expect((await repo.git.status()).files).toEqual([]);
});

it('gives up with the provider exit code after a 500 on every retry, files untouched', async () => {
  repo = await cleanRepo();
  const error = { status: 500, retryAfterSeconds: 0 };
  const run = await runWithModel(repo, [error, error, error, error]);

  expect(run.exitCode).toBe(3);
  expect(run.requests).toHaveLength(4);
  expect(run.stderr).toMatch(/model provider answered 500 after retries/);
  expect((await repo.git.status()).files).toEqual([]);
});

it('recovers from a 500 three times when the fourth try answers', async () => {
  repo = await cleanRepo();
  const error = { status: 500, retryAfterSeconds: 0 };
  const run = await runWithModel(repo, [error, error, error, right]);

  expect(run.exitCode).toBe(0);
  expect(run.requests).toHaveLength(4);
});

it('never writes a stream cut mid-reply and retries within the attempt budget', async () => {
  repo = await cleanRepo();
  const reply = codeReply('src/sum.ts', SUM_RIGHT);
  const run = await runWithModel(repo, [{ cutAfterChars: reply.length - 10, content: reply }, right]);

  expect(run.exitCode).toBe(0);
  expect(run.requests).toHaveLength(2);
  expect(lastUserMessage(run.requests[1]!)).toContain('stream was cut off');
});

it('feeds a refusal back as the reason and still writes nothing for it', async () => {
  repo = await cleanRepo();
  const run = await runWithModel(
    repo,
    [{ refusal: "I can't help with that." }, { refusal: 'Still no.' }],
    ['build', '--max-attempts', '2'],
  );

  expect(run.exitCode).toBe(1);
  expect(lastUserMessage(run.requests[1]!)).toContain("The model refused: I can't help with that.");
  expect(await repo.read('src/sum.ts')).toBeUndefined();
  expect((await repo.git.status()).files).toEqual([]);
});

it('stops at --max-tokens: exit code 6, nothing half-built', async () => {
  repo = await cleanRepo();
  const wrong = {
    content: codeReply('src/sum.ts', SUM_RIGHT.replace('a + b', 'a - b')),
    usage: { prompt_tokens: 800, completion_tokens: 300 },
  };
  const run = await runWithModel(repo, [wrong, wrong, wrong], ['build', '--max-tokens', '1000', '--json']);

  expect(run.exitCode).toBe(6);
  expect(run.requests).toHaveLength(1);
  const report = JSON.parse(run.stdout);
  expect(report.budgetExhausted).toMatch(/token budget exhausted \(1100 of --max-tokens 1000 spent\)/);
  expect(report.modules[0]).toMatchObject({ id: 'sum', status: 'failed' });
  expect(await repo.read('src/sum.ts')).toBeUndefined();
  expect(await repo.read('ainative.lock')).toBeUndefined();
  // The intent did not turn green, so its reply is not kept for replay: the next build asks the model again.
  expect(await userChanges(repo)).toEqual([]);
  expect(JSON.parse((await runCli(['cache', 'stats', '--json'], { cwd: repo.root })).stdout).entries).toBe(0);
});

it('stops at --timeout: exit code 6, the module in progress restored', async () => {
  repo = await cleanRepo();
  const { startHeldModelServer } = await import('../helpers/held-model-server.js');
  const held = await startHeldModelServer();
  try {
    const run = await runCli(['build', '--timeout', '1s', '--json'], {
      cwd: repo.root,
      env: { OPENAI_BASE_URL: held.server.baseUrl, OPENAI_API_KEY: 'sk-test' },
    });
    expect(run.exitCode).toBe(6);
    expect(JSON.parse(run.stdout).budgetExhausted).toMatch(/time budget \(--timeout\) exhausted/);
    expect(await repo.read('src/sum.ts')).toBeUndefined();
    expect(await userChanges(repo)).toEqual([]);
  } finally {
    held.release({ content: 'late' });
    await held.server.close();
  }
});
