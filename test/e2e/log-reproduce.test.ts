import { afterEach, expect, it } from 'vitest';
import { codeReply } from '../helpers/fake-model-server.js';
import { runWithModel } from '../helpers/scenario.js';
import { runCli } from '../helpers/run-cli.js';
import { SUM_BUGGY, SUM_RIGHT, sumRepoFiles } from '../helpers/sum-fixture.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

const BUG_FILE = 'bugs/2026-11-23-sum-with-zero.md';
const REGRESSION = 'test/regressions/2026-11-23-sum-with-zero.test.ts';
const PASSING =
  "import { expect, it } from 'vitest';\nimport { sum } from '../../src/sum.ts';\n\nit('adds', () => {\n  expect(sum(1, 5)).toBe(6);\n});\n";
const REPRODUCING =
  "import { expect, it } from 'vitest';\nimport { sum } from '../../src/sum.ts';\n\nit('adds to zero', () => {\n  expect(sum(0, 5)).toBe(5);\n});\n";

it('records the attempts that turn a bug report into a regression test, before those that fix the module', async () => {
  repo = await createTempRepo(sumRepoFiles(), { commit: true });
  expect((await runWithModel(repo, [{ content: codeReply('src/sum.ts', SUM_BUGGY) }])).exitCode).toBe(0);
  await repo.write(BUG_FILE, '---\nintent: sum\nstatus: open\ncreated: 2026-11-23\n---\nsum(0, 5) returns 0 instead of 5\n');
  await repo.commit('built, and a bug report');
  const replies = [
    { content: codeReply(REGRESSION, PASSING) },
    { content: codeReply(REGRESSION, REPRODUCING) },
    { content: codeReply('src/sum.ts', SUM_RIGHT) },
  ];
  expect((await runWithModel(repo, replies, ['fix'])).exitCode).toBe(0);

  const { attempts } = JSON.parse((await runCli(['log', 'sum', '--json'], { cwd: repo.root })).stdout);
  expect(
    attempts.map((one: { task: string; target: string; attempt: number; green: boolean }) => [
      one.task,
      one.target,
      one.attempt,
      one.green,
    ]),
  ).toEqual([
    ['reproduce', REGRESSION, 1, false],
    ['reproduce', REGRESSION, 2, true],
    ['module', 'src/sum.ts', 1, true],
  ]);
  expect(attempts[0].feedback).toContain('This test passes on the current code');
  expect(attempts[0].messages.at(-1).content).toContain('sum(0, 5) returns 0 instead of 5');

  const text = await runCli(['log', 'sum', '--attempt', '1'], { cwd: repo.root });
  expect(text.stdout).toContain(`=== sum · attempt 1/4 · writing regression test ${REGRESSION} ===`);
  expect(text.stdout).toContain('=== sum · attempt 1/4 · writing src/sum.ts ===');
});
