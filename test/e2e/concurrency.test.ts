import { afterEach, expect, it } from 'vitest';
import { codeReply } from '../helpers/fake-model-server.js';
import { startHeldModelServer } from '../helpers/held-model-server.js';
import { runCli, startCli } from '../helpers/run-cli.js';
import { modelEnv } from '../helpers/scenario.js';
import { SUM_RIGHT, sumRepoFiles } from '../helpers/sum-fixture.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

it('lets only one build run per repo: a second one exits 5 naming the holder', async () => {
  repo = await createTempRepo(sumRepoFiles(), { commit: true });
  const { server, requestArrived, release } = await startHeldModelServer();
  try {
    const env = modelEnv(server);
    const first = startCli(['build'], { cwd: repo.root, env });
    await requestArrived;
    const second = await runCli(['build'], { cwd: repo.root, env });

    expect(second.exitCode).toBe(5);
    expect(second.stderr).toMatch(new RegExp(`another ainative build is running in this repo \\(pid ${first.pid}`));
    release({ content: codeReply('src/sum.ts', SUM_RIGHT) });
    expect((await first.result).exitCode).toBe(0);
    expect(server.requests).toHaveLength(1);
  } finally {
    release({ content: 'late' });
    await server.close();
  }
});
