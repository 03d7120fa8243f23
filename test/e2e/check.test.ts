import { afterEach, expect, it } from 'vitest';
import { codeReply } from '../helpers/fake-model-server.js';
import { runCli } from '../helpers/run-cli.js';
import { runWithModel } from '../helpers/scenario.js';
import { SUM_INTENT, SUM_RIGHT, SUM_TEST, sumRepoFiles } from '../helpers/sum-fixture.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

async function builtRepo(): Promise<TempRepo> {
  const created = await createTempRepo(sumRepoFiles(), { commit: true });
  expect((await runWithModel(created, [{ content: codeReply('src/sum.ts', SUM_RIGHT) }])).exitCode).toBe(0);
  await created.commit('build');
  return created;
}

/** `ainative check` with no model reachable at all. */
function check(root: string) {
  return runCli(['check'], { cwd: root, env: { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' } });
}

it('passes on a clean built repo after running the tests once', async () => {
  repo = await builtRepo();
  const run = await check(repo.root);
  expect(run.exitCode).toBe(0);
  expect(run.stdout).toContain('tests: 2 passed, 0 failed');
});

it('fails with exit 8 and a line per problem on a stale intent', async () => {
  repo = await builtRepo();
  await repo.write('intents/sum.intent.md', `${SUM_INTENT}Rounds to cents.\n`);
  const run = await check(repo.root);
  expect(run.exitCode).toBe(8);
  expect(run.stdout).toContain('✖ intents/sum.intent.md: sum is stale: intent text changed (run ainative build)');
});

it('fails on changed tests and on a hand-edited module', async () => {
  repo = await builtRepo();
  await repo.write('test/sum.test.ts', `${SUM_TEST}\n`);
  await repo.write('src/sum.ts', `${await repo.read('src/sum.ts')}// tweak\n`);
  const run = await check(repo.root);
  expect(run.exitCode).toBe(8);
  expect(run.stdout).toContain('sum is stale: tests changed');
  expect(run.stdout).toContain('✖ src/sum.ts: src/sum.ts was edited by hand since ainative generated it');
});

it('fails on a lock entry whose intent is gone, and on an open bug without a regression test', async () => {
  repo = await builtRepo();
  const lock = JSON.parse((await repo.read('ainative.lock'))!);
  lock.intents.ghost = { ...lock.intents.sum, intent: 'intents/ghost.intent.md', module: 'src/ghost.ts' };
  await repo.write('ainative.lock', `${JSON.stringify(lock, null, 2)}\n`);
  await repo.write('bugs/2026-11-23-negative-zero.md', '---\nintent: sum\nstatus: open\ncreated: 2026-11-23\n---\nsum(-0, 0) returns -0\n');
  const run = await runCli(['check', '--json'], { cwd: repo.root });
  expect(run.exitCode).toBe(8);
  const kinds = JSON.parse(run.stdout).problems.map((problem: { kind: string }) => problem.kind);
  expect(kinds).toEqual(['orphaned-lock-entry', 'bug-without-test']);
});

it('refuses a bug file that does not parse with exit 2, naming the file', async () => {
  repo = await builtRepo();
  await repo.write('bugs/2026-11-28-broken.md', '---\nintent: [sum\n---\nsum is wrong\n');
  const run = await check(repo.root);
  expect(run.exitCode).toBe(2);
  expect(run.stderr).toContain('bugs/2026-11-28-broken.md: invalid YAML frontmatter');
});

it('fails with exit 1 when the suite is red', async () => {
  repo = await builtRepo();
  const lock = JSON.parse((await repo.read('ainative.lock'))!);
  // Break the module while keeping the lock consistent with it, so only the tests can notice.
  const broken = (await repo.read('src/sum.ts'))!.replace('a + b', 'a - b');
  await repo.write('src/sum.ts', broken);
  const { createHash } = await import('node:crypto');
  lock.intents.sum.output.sha256 = createHash('sha256').update(broken).digest('hex');
  await repo.write('ainative.lock', `${JSON.stringify(lock, null, 2)}\n`);
  const run = await check(repo.root);
  expect(run.exitCode).toBe(1);
  expect(run.stdout).toMatch(/✖ test\/sum\.test\.ts: sum > adds two positives/);
});
