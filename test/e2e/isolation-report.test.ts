import { afterEach, expect, it } from 'vitest';
import { BWRAP_WORKS } from '../helpers/bwrap.js';
import { codeReply } from '../helpers/fake-model-server.js';
import { runCli } from '../helpers/run-cli.js';
import { runWithModel } from '../helpers/scenario.js';
import { SUM_INTENT, SUM_RIGHT, SUM_TEST } from '../helpers/sum-fixture.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

const TWIN_INTENT = SUM_INTENT.replace('module: src/sum.ts', 'isolation: shared\nmodule: src/twin.ts');
const TWIN_TEST = SUM_TEST.replace("'../src/sum.ts'", "'../src/twin.ts'");

it('status and build --json say which sandbox tier ran and mark shared isolation as weaker', async () => {
  repo = await createTempRepo(
    {
      'intents/sum.intent.md': SUM_INTENT,
      'test/sum.test.ts': SUM_TEST,
      'intents/twin.intent.md': TWIN_INTENT,
      'test/twin.test.ts': TWIN_TEST,
    },
    { commit: true },
  );
  const tier = BWRAP_WORKS ? 'bwrap' : 'permission';

  const status = await runCli(['status', '--json'], { cwd: repo.root });
  const report = JSON.parse(status.stdout) as { sandbox: string; intents: Array<{ id: string; isolation: string }> };
  expect(report.sandbox).toBe(tier);
  expect(report.intents.map((intent) => [intent.id, intent.isolation])).toEqual([
    ['sum', 'confined'],
    ['twin', 'shared'],
  ]);
  const text = await runCli(['status'], { cwd: repo.root });
  expect(text.stdout).toMatch(/twin .*isolation: shared \(runs in the test realm, weaker\)/);
  expect(text.stdout).not.toMatch(/sum .*isolation: shared/);

  const replies = [{ content: codeReply('src/sum.ts', SUM_RIGHT) }, { content: codeReply('src/twin.ts', SUM_RIGHT) }];
  const build = await runWithModel(repo, replies, ['build', '--json', '--concurrency', '1']);
  expect(build.exitCode).toBe(0);
  const built = JSON.parse(build.stdout) as { testHost: { tier: string }; modules: Array<{ id: string; isolation?: string }> };
  expect(built.testHost.tier).toBe(tier);
  expect(built.modules.find((module) => module.id === 'twin')?.isolation).toBe('shared');
  expect(built.modules.find((module) => module.id === 'sum')?.isolation).toBeUndefined();
});
