import { afterEach, expect, it } from 'vitest';
import { startFakeModelServer, type FakeReply } from '../helpers/fake-model-server.js';
import { startCli } from '../helpers/run-cli.js';
import { SUM_INTENT, sumRepoFiles } from '../helpers/sum-fixture.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

it('exits 130 on SIGINT during the model call and leaves every file as it was', async () => {
  const committed = '// hand-written, committed\nexport function sum(a: number, b: number): number {\n  return a - b;\n}\n';
  repo = await createTempRepo({ ...sumRepoFiles(), 'src/sum.ts': committed }, { commit: true });
  let arrived!: () => void;
  const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
  let release!: (reply: FakeReply) => void;
  const server = await startFakeModelServer({
    respond: () => {
      arrived();
      return new Promise<FakeReply>((resolve) => (release = resolve));
    },
  });
  try {
    const cli = startCli(['build'], { cwd: repo.root, env: { OPENAI_BASE_URL: server.baseUrl, OPENAI_API_KEY: 'sk-test' } });
    await requestArrived;
    cli.kill('SIGINT');
    const result = await cli.result;

    expect(result.exitCode).toBe(130);
    expect(result.stderr).toMatch(/interrupted/);
    expect(await repo.read('src/sum.ts')).toBe(committed);
    expect(await repo.read('intents/sum.intent.md')).toBe(SUM_INTENT);
    expect(await repo.read('ainative.lock')).toBeUndefined();
    expect((await repo.git.status()).files).toEqual([]);
  } finally {
    release?.({ content: 'too late' });
    await server.close();
  }
});
