import { afterEach, expect, it } from 'vitest';
import { codeReply } from '../helpers/fake-model-server.js';
import { allMessages, runWithModel } from '../helpers/scenario.js';
import { SUM_INTENT as SUM_INTENT_TEXT, SUM_RIGHT, sumRepoFiles } from '../helpers/sum-fixture.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';
import { runCli } from '../helpers/run-cli.js';

let repo: TempRepo;
// Scripted replies are answered in arrival order: build one intent at a time so each gets its own.
const ONE_AT_A_TIME = ['build', '--concurrency', '1'];
afterEach(() => repo?.cleanup());

const DOUBLE_INTENT = `---
module: src/double.ts
exports: ["double(n: number): number"]
---
Doubles a number.
`;
const DOUBLE_TEST = `import { expect, it } from 'vitest';
import { double } from '../src/double.ts';
it('doubles', () => expect(double(21)).toBe(42));
`;
const DOUBLE_RIGHT = 'export function double(n: number): number {\n  return n * 2;\n}\n';

async function twoIntentRepo(): Promise<TempRepo> {
  return createTempRepo(
    { ...sumRepoFiles(), 'intents/double.intent.md': DOUBLE_INTENT, 'test/double.test.ts': DOUBLE_TEST },
    { commit: true },
  );
}

/** Answers each request with the right module for whichever intent it asks about. */
function replyFor(request: string): string {
  return request.includes('Write `src/double.ts`') ? codeReply('src/double.ts', DOUBLE_RIGHT) : codeReply('src/sum.ts', SUM_RIGHT);
}

it('makes zero model calls when nothing changed since the last build', async () => {
  repo = await twoIntentRepo();
  const first = await runWithModel(
    repo,
    [{ content: codeReply('src/double.ts', DOUBLE_RIGHT) }, { content: codeReply('src/sum.ts', SUM_RIGHT) }],
    ONE_AT_A_TIME,
  );
  expect(first.exitCode).toBe(0);
  const lockAfterFirst = await repo.read('ainative.lock');

  const second = await runWithModel(repo, [], ['build', '--json']);
  expect(second.exitCode).toBe(0);
  expect(second.requests).toHaveLength(0);
  expect(JSON.parse(second.stdout).modules.map((module: { status: string }) => module.status)).toEqual(['fresh', 'fresh']);
  expect(await repo.read('ainative.lock')).toBe(lockAfterFirst);
});

it('rebuilds only the intent whose text changed, and status says why before the build', async () => {
  repo = await twoIntentRepo();
  const first = await runWithModel(
    repo,
    [{ content: codeReply('src/double.ts', DOUBLE_RIGHT) }, { content: codeReply('src/sum.ts', SUM_RIGHT) }],
    ONE_AT_A_TIME,
  );
  expect(first.exitCode).toBe(0);
  await repo.write('intents/double.intent.md', `${DOUBLE_INTENT}Negative numbers stay negative.\n`);

  const status = await runCli(['status'], { cwd: repo.root });
  expect(status.exitCode).toBe(0);
  expect(status.stdout).toMatch(/stale\s+double\s+src\/double\.ts\s+intent text changed/);
  expect(status.stdout).toMatch(/fresh\s+sum\s+src\/sum\.ts/);

  const second = await runWithModel(repo, [{ content: codeReply('src/double.ts', DOUBLE_RIGHT) }], ['build', '--json']);
  expect(second.exitCode).toBe(0);
  expect(second.requests).toHaveLength(1);
  expect(allMessages(second.requests[0]!)).toContain('Negative numbers stay negative.');
  const statuses = JSON.parse(second.stdout).modules.map((module: { id: string; status: string }) => `${module.id}:${module.status}`);
  expect(statuses).toEqual(['double:built', 'sum:fresh']);
});

it('treats a changed test file as a reason to rebuild', async () => {
  repo = await twoIntentRepo();
  await runWithModel(repo, [{ content: replyFor('Write `src/double.ts`') }, { content: replyFor('sum') }], ONE_AT_A_TIME);
  await repo.write('test/sum.test.ts', `${sumRepoFiles()['test/sum.test.ts']}\nit('adds zero', () => expect(1).toBe(1));\n`);

  const status = await runCli(['status', '--json'], { cwd: repo.root });
  const sum = JSON.parse(status.stdout).intents.find((intent: { id: string }) => intent.id === 'sum');
  expect(sum).toMatchObject({ state: 'stale', reasons: ['tests changed'] });
});

it('--changed takes only the intents touched since HEAD', async () => {
  repo = await twoIntentRepo();
  expect(
    (await runWithModel(repo, [{ content: replyFor('Write `src/double.ts`') }, { content: replyFor('sum') }], ONE_AT_A_TIME)).exitCode,
  ).toBe(0);
  await repo.commit('built');
  await repo.write('intents/sum.intent.md', `${SUM_INTENT_TEXT}Also adds zero.\n`);

  const run = await runWithModel(repo, [{ content: replyFor('sum') }], ['build', '--changed', '--json']);
  expect(run.exitCode).toBe(0);
  expect(JSON.parse(run.stdout).modules.map((module: { id: string; status: string }) => `${module.id}:${module.status}`)).toEqual([
    'sum:built',
  ]);
});
