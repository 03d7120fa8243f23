import { afterEach, expect, it } from 'vitest';
import { codeReply, type FakeModelServerOptions } from '../helpers/fake-model-server.js';
import { runWithModel } from '../helpers/scenario.js';
import { SUM_RIGHT, sumRepoFiles } from '../helpers/sum-fixture.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

const right = { content: codeReply('src/sum.ts', SUM_RIGHT) };

async function build(server: FakeModelServerOptions, args: string[]) {
  repo = await createTempRepo(sumRepoFiles(), { commit: true });
  const { requests, ...run } = await runWithModel(repo, server, ['build', ...args]);
  return { run, sent: requests };
}

it("counts the SDK's retries among the HTTP requests, in --json and in the closing line", async () => {
  const { run, sent } = await build({ replies: [{ status: 429, retryAfterSeconds: 0 }, right] }, ['--json']);
  expect(run.exitCode).toBe(0);
  expect(sent).toHaveLength(2);
  expect(JSON.parse(run.stdout).requests).toEqual({ total: 2, retries: 1 });

  const plain = await build({ replies: [{ status: 500, retryAfterSeconds: 0 }, { status: 503, retryAfterSeconds: 0 }, right] }, []);
  expect(plain.run.stdout).toMatch(/1 model calls \(0 replayed from \.ainative\/cache\), 3 HTTP requests \(2 retries\)/);
});

it("counts best-of-n's fallback requests when the provider ignores n", async () => {
  const { run, sent } = await build({ ignoresN: true, respond: () => right }, ['--samples', '3', '--json']);
  expect(run.exitCode).toBe(0);
  // The first candidate, one request asking for n=2 that brought one, and one more for the last candidate.
  expect(sent.map((request) => request.body.n ?? 1)).toEqual([1, 2, 1]);
  expect(JSON.parse(run.stdout).requests).toEqual({ total: 3, retries: 0 });
});

it("counts best-of-n's fallback requests when the provider refuses n", async () => {
  const refuse = { status: 400, error: { message: "'n' is not supported with this model", code: 'unsupported_parameter' } };
  const { run, sent } = await build({ respond: (request) => (request.body.n > 1 ? refuse : right) }, ['--samples', '3', '--json']);
  expect(run.exitCode).toBe(0);
  expect(sent.map((request) => request.body.n ?? 1)).toEqual([1, 2, 1, 1]);
  expect(JSON.parse(run.stdout).requests).toEqual({ total: 4, retries: 0 });
});
