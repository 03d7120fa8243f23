import { afterEach, expect, it } from 'vitest';
import { codeReply, startFakeModelServer } from '../helpers/fake-model-server.js';
import { runCli } from '../helpers/run-cli.js';
import { SUM_RIGHT, sumRepoFiles } from '../helpers/sum-fixture.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

it('appends every build’s table to the GitHub Actions job summary without --summary, and writes no table elsewhere', async () => {
  repo = await createTempRepo({ ...sumRepoFiles(), 'ainative.config.json': '{}' }, { commit: true });
  const server = await startFakeModelServer({ replies: [{ content: codeReply('src/sum.ts', SUM_RIGHT) }] });
  const summary = `${repo.root}/.step-summary.md`;
  try {
    const built = await runCli(['build'], {
      cwd: repo.root,
      env: { OPENAI_BASE_URL: server.baseUrl, OPENAI_API_KEY: 'sk-test', GITHUB_STEP_SUMMARY: summary },
    });
    expect(built.exitCode).toBe(0);
    const first = (await repo.read('.step-summary.md'))!;
    expect(first).toMatch(/^\| intent \| status \| attempts \| tests \| tokens \| time \| cost \|\n/);
    expect(first).toMatch(/^\| `sum` \| built \| 1 \| 2 passed, 0 failed \|/m);

    // A later build (nothing stale) adds its own table below, as each step of a job does.
    const again = await runCli(['build'], { cwd: repo.root, env: { OPENAI_API_KEY: 'sk-test', GITHUB_STEP_SUMMARY: summary } });
    expect(again.exitCode).toBe(0);
    const both = (await repo.read('.step-summary.md'))!;
    expect(both.startsWith(first)).toBe(true);
    expect(both.slice(first.length)).toMatch(/^\| `sum` \| fresh \| 0 \|/m);

    // Outside Actions and without --summary, no table is written anywhere in the repo.
    await repo.remove('.step-summary.md');
    const local = await runCli(['build'], { cwd: repo.root, env: { OPENAI_API_KEY: 'sk-test', GITHUB_STEP_SUMMARY: '' } });
    expect(local.exitCode).toBe(0);
    const changed = (await repo.git.status()).files.map((file) => file.path);
    expect(changed.filter((path) => !path.startsWith('.ainative/cache/')).sort()).toEqual([
      '.gitattributes',
      'ainative.lock',
      'src/sum.ts',
    ]);
  } finally {
    await server.close();
  }
});
