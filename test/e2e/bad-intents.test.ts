import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { SUM_INTENT, sumIntentWith, sumRepoFiles } from '../helpers/sum-fixture.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

const cases: Array<{ name: string; files: Record<string, string>; error: RegExp }> = [
  {
    name: 'an unknown key',
    files: { 'intents/sum.intent.md': sumIntentWith('modul: src/x.ts') },
    error: /^ainative: intents\/sum\.intent\.md: unknown key 'modul'/m,
  },
  {
    name: 'a missing module',
    files: { 'intents/sum.intent.md': '---\ntests: [test/sum.test.ts]\n---\nAdds.\n' },
    error: /^ainative: intents\/sum\.intent\.md: missing required key 'module'/m,
  },
  {
    name: 'two intents owning one module',
    files: { 'intents/total.intent.md': SUM_INTENT.replace('---\nmodule', '---\ntests: [test/sum.test.ts]\nmodule') },
    error: /^ainative: intents\/total\.intent\.md: key 'module' names src\/sum\.ts, which intents\/sum\.intent\.md already owns/m,
  },
  {
    name: 'a uses cycle',
    files: {
      'intents/sum.intent.md': sumIntentWith('uses: [total]'),
      'intents/total.intent.md': '---\nmodule: src/total.ts\ntests: [test/sum.test.ts]\nuses: [sum]\n---\nTotals.\n',
    },
    error: /^ainative: intents\/sum\.intent\.md: key 'uses' forms a cycle: sum -> total -> sum/m,
  },
  {
    name: 'a test file that does not exist',
    files: { 'intents/sum.intent.md': sumIntentWith('tests: [test/missing.test.ts]') },
    error: /^ainative: intents\/sum\.intent\.md: key 'tests' names test\/missing\.test\.ts, which does not exist/m,
  },
  {
    name: 'broken YAML',
    files: { 'intents/sum.intent.md': '---\nmodule: [src/sum.ts\n---\nAdds.\n' },
    error: /^ainative: intents\/sum\.intent\.md: invalid YAML frontmatter/m,
  },
  {
    name: 'a module path outside the repo',
    files: { 'intents/sum.intent.md': SUM_INTENT.replace('module: src/sum.ts', 'module: ../elsewhere/sum.ts') },
    error: /^ainative: intents\/sum\.intent\.md: key 'module' must stay inside the repo/m,
  },
];

describe('bad intent files', () => {
  for (const { name, files, error } of cases) {
    it(`rejects ${name} with exit code 2, one line naming the file and key, and writes nothing`, async () => {
      repo = await createTempRepo({ ...sumRepoFiles(), ...files }, { commit: true });
      const run = await runCli(['build'], { cwd: repo.root, env: { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' } });

      expect(run.exitCode).toBe(2);
      expect(run.stderr).toMatch(error);
      expect(run.stdout).toBe('');
      expect((await repo.git.status()).files).toEqual([]);
    });
  }
});

it('refuses to run outside a git repository with the refusal exit code', async () => {
  repo = await createTempRepo(sumRepoFiles());
  await repo.remove('.git/HEAD');
  const { rmSync } = await import('node:fs');
  rmSync(`${repo.root}/.git`, { recursive: true, force: true });
  const run = await runCli(['build'], { cwd: repo.root });

  expect(run.exitCode).toBe(4);
  expect(run.stderr).toMatch(/not inside a git repository/);
});
