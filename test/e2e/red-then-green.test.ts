import { afterEach, expect, it } from 'vitest';
import { codeReply } from '../helpers/fake-model-server.js';
import { lastUserMessage, runWithModel } from '../helpers/scenario.js';
import { SUM_RIGHT, SUM_WRONG, sumRepoFiles } from '../helpers/sum-fixture.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

it('feeds the failing test, its expected and actual values back, and turns green on the second attempt', async () => {
  repo = await createTempRepo(sumRepoFiles(), { commit: true });
  const run = await runWithModel(
    repo,
    [{ content: codeReply('src/sum.ts', SUM_WRONG) }, { content: codeReply('src/sum.ts', SUM_RIGHT) }],
    ['build', '--json'],
  );

  expect(run.exitCode).toBe(0);
  expect(run.requests).toHaveLength(2);
  const feedback = lastUserMessage(run.requests[1]!);
  expect(feedback).toContain('sum > adds two positives');
  expect(feedback).toContain('expected: 5');
  expect(feedback).toContain('actual:   6');
  expect(feedback).toContain('sum > adds negatives');
  expect(feedback).toContain('expected: -10');
  expect(feedback).toContain('actual:   24');
  expect(feedback).toContain('test/sum.test.ts:6');
  expect(feedback).not.toMatch(/\u001b\[/);
  const messages = run.requests[1]!.body.messages as Array<{ role: string; content: string }>;
  expect(messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user']);
  expect(messages[2]!.content).toContain('return a * b;');
  expect(JSON.parse(run.stdout).modules[0]).toMatchObject({ status: 'built', attempts: 2, tests: { passed: 2, failed: 0 } });
  expect(await repo.read('src/sum.ts')).toContain('return a + b;');
});

it('feeds back a reply that writes another path and never writes that path', async () => {
  repo = await createTempRepo(sumRepoFiles(), { commit: true });
  const cheat = codeReply('test/sum.test.ts', "import { it } from 'vitest';\nit('ok', () => {});\n");
  const run = await runWithModel(repo, [{ content: cheat }, { content: codeReply('src/sum.ts', SUM_RIGHT) }]);

  expect(run.exitCode).toBe(0);
  expect(lastUserMessage(run.requests[1]!)).toContain('you may write only src/sum.ts');
  expect(await repo.read('test/sum.test.ts')).toBe(sumRepoFiles()['test/sum.test.ts']);
});

it('feeds back type errors found before the tests run', async () => {
  repo = await createTempRepo(sumRepoFiles(), { commit: true });
  const mistyped = 'export function sum(a: number, b: number): number {\n  const total: string = a + b;\n  return Number(total);\n}\n';
  const run = await runWithModel(repo, [{ content: codeReply('src/sum.ts', mistyped) }, { content: codeReply('src/sum.ts', SUM_RIGHT) }]);

  expect(run.exitCode).toBe(0);
  const feedback = lastUserMessage(run.requests[1]!);
  expect(feedback).toContain('Type errors in src/sum.ts');
  expect(feedback).toMatch(/line 2: TS2322/);
});
