import { mkdirSync, rmSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { codeReply, startFakeModelServer } from '../helpers/fake-model-server.js';
import { startHeldModelServer } from '../helpers/held-model-server.js';
import { runCli, startCli } from '../helpers/run-cli.js';
import { modelEnv } from '../helpers/scenario.js';
import { SUM_INTENT, SUM_RIGHT, sumIntentWith, sumRepoFiles } from '../helpers/sum-fixture.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

it('exits 130 on SIGINT during the model call and leaves every file as it was', async () => {
  const committed = '// hand-written, committed\nexport function sum(a: number, b: number): number {\n  return a - b;\n}\n';
  repo = await createTempRepo({ ...sumRepoFiles(), 'src/sum.ts': committed }, { commit: true });
  const { server, requestArrived, release } = await startHeldModelServer();
  try {
    const cli = startCli(['build'], { cwd: repo.root, env: modelEnv(server) });
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
    release({ content: 'too late' });
    await server.close();
  }
});

/** A sum whose module, when the tests import it, drops a marker file and then spins forever. */
function spinningModule(marker: string): string {
  return `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'started');\nwhile (true) {}\nexport function sum(a: number, b: number): number {\n  return a + b;\n}\n`;
}

async function waitForFile(path: string): Promise<void> {
  const { existsSync, watch } = await import('node:fs');
  const { dirname } = await import('node:path');
  await new Promise<void>((resolve) => {
    const watcher = watch(dirname(path), () => {
      if (existsSync(path)) {
        watcher.close();
        resolve();
      }
    });
    if (existsSync(path)) {
      watcher.close();
      resolve();
    }
  });
}

it('exits 130 on SIGINT during the test run, stops the test process and restores the module', async () => {
  // Shared isolation: the marker is written outside the repo, which a confined module may not do.
  const intent = sumIntentWith('isolation: shared', 'allow: [fs]');
  repo = await createTempRepo({ ...sumRepoFiles(), 'intents/sum.intent.md': intent }, { commit: true });
  const marker = `${repo.root}-tests-started`;
  const server = await startFakeModelServer({ replies: [{ content: codeReply('src/sum.ts', spinningModule(marker)) }] });
  try {
    const cli = startCli(['build', '--sandbox', 'off'], {
      cwd: repo.root,
      env: modelEnv(server),
    });
    await waitForFile(marker);
    cli.kill('SIGINT');
    const result = await cli.result;

    expect(result.exitCode).toBe(130);
    expect(await repo.read('src/sum.ts')).toBeUndefined();
    expect((await repo.git.status()).files).toEqual([]);
  } finally {
    rmSync(marker, { force: true });
    await server.close();
  }
});

it('exits 130 on SIGINT right after the module was written and leaves the repo as it was', async () => {
  repo = await createTempRepo(sumRepoFiles(), { commit: true });
  const server = await startFakeModelServer({ replies: [{ content: codeReply('src/sum.ts', SUM_RIGHT) }] });
  try {
    mkdirSync(`${repo.root}/src`);
    const cli = startCli(['build'], { cwd: repo.root, env: modelEnv(server) });
    await waitForFile(`${repo.root}/src/sum.ts`);
    cli.kill('SIGINT');
    const result = await cli.result;

    expect(result.exitCode).toBe(130);
    expect(await repo.read('src/sum.ts')).toBeUndefined();
    expect(await repo.read('ainative.lock')).toBeUndefined();
  } finally {
    await server.close();
  }
});

it('after a hard kill mid-build, the next build restores what the dead one left half-done', async () => {
  // Shared isolation: the marker is written outside the repo, which a confined module may not do.
  const intent = sumIntentWith('isolation: shared', 'allow: [fs]');
  const committed = '// committed by a person\nexport function sum(a: number, b: number): number {\n  return a - b;\n}\n';
  repo = await createTempRepo({ ...sumRepoFiles(), 'intents/sum.intent.md': intent, 'src/sum.ts': committed }, { commit: true });
  const marker = `${repo.root}-tests-started`;
  const server = await startFakeModelServer({ replies: [{ content: codeReply('src/sum.ts', spinningModule(marker)) }] });
  try {
    const cli = startCli(['build', '--sandbox', 'off'], {
      cwd: repo.root,
      env: modelEnv(server),
    });
    await waitForFile(marker);
    cli.kill('SIGKILL');
    await cli.result;
    expect(await repo.read('src/sum.ts')).not.toBe(committed);

    const next = await runCli(['status'], { cwd: repo.root });
    expect(next.exitCode).toBe(0);
    const rebuild = await runCli(['build', '--max-attempts', '1'], {
      cwd: repo.root,
      env: { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_API_KEY: 'sk-test' },
    });
    expect(rebuild.stderr).toMatch(/restored src\/sum\.ts left half-built by an earlier build/);
    expect(await repo.read('src/sum.ts')).toBe(committed);
  } finally {
    rmSync(marker, { force: true });
    await server.close();
  }
});
