import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { sumRepo } from '../helpers/attack-fixtures.js';
import { tierSettings, type Tier } from '../helpers/attack-harness.js';
import { BWRAP_WORKS, warnSkipped } from '../helpers/bwrap.js';
import { codeReply, startFakeModelServer } from '../helpers/fake-model-server.js';
import { processesMentioning } from '../helpers/processes.js';
import { startCli } from '../helpers/run-cli.js';
import { modelEnv, runWithModel } from '../helpers/scenario.js';
import { createTempRepo } from '../helpers/temp-repo.js';
import { SUM_RIGHT } from '../helpers/sum-fixture.js';

const TIERS: Tier[] = BWRAP_WORKS ? ['bwrap', 'permission'] : ['permission'];
warnSkipped('attack-kill-parent under bubblewrap');

/** Waits for `condition`, checking every 50 ms, for at most `ms`; the condition's last answer is what counts. */
async function until(condition: () => boolean, ms: number): Promise<boolean> {
  for (let waited = 0; waited < ms && !condition(); waited += 50) await delay(50);
  return condition();
}

describe.each(TIERS)('ainative killed while a module spins forever in its tests (%s)', (tier) => {
  it('takes the test host and the module down with it, and the next build restores the repo and takes the lock', async () => {
    const repo = await createTempRepo(sumRepo(), { commit: true });
    const settings = tierSettings(tier);
    const server = await startFakeModelServer({
      replies: [
        { content: codeReply('src/sum.ts', 'while (true) {}\nexport function sum(a: number, b: number): number { return a + b; }\n') },
      ],
    });
    try {
      const cli = startCli(['build', ...settings.args], {
        cwd: repo.root,
        env: { ...modelEnv(server), ...settings.env },
      });
      // The module is on disk and its test host runs: its tests are starting, and then spin.
      expect(await until(() => existsSync(join(repo.root, 'src/sum.ts')) && processesMentioning(repo.root).length > 0, 30_000)).toBe(true);
      cli.kill('SIGKILL');
      await cli.result;
      expect(await until(() => processesMentioning(repo.root).length === 0, 10_000)).toBe(true);

      const next = await runWithModel(repo, [{ content: codeReply('src/sum.ts', SUM_RIGHT) }], ['build', ...settings.args], settings.env);
      expect(next.exitCode, next.stderr).toBe(0);
      expect(next.stderr).toMatch(/restored src\/sum\.ts left half-built by an earlier build/);
      expect(await repo.read('src/sum.ts')).toContain('return a + b;');
    } finally {
      await server.close();
      settings.cleanup();
      repo.cleanup();
    }
  });
});
