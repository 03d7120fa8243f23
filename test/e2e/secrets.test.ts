import { afterEach, expect, it } from 'vitest';
import { codeReply } from '../helpers/fake-model-server.js';
import { runWithModel } from '../helpers/scenario.js';
import { SUM_RIGHT, sumIntentWith, sumRepoFiles } from '../helpers/sum-fixture.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

const ENV_CANARY = 'canary-env-7f3a9c2e51';
const DOTENV_CANARY = 'canary-dotenv-b81d4e6f09';
const right = { content: codeReply('src/sum.ts', SUM_RIGHT) };

/** Everything the response cache holds, as one text (empty when there is no cache). */
async function cacheText(target: TempRepo): Promise<string> {
  const { glob } = await import('tinyglobby');
  const files = await glob('.ainative/cache/**/*.json', { cwd: target.root, dot: true });
  expect(files.length).toBeGreaterThan(0);
  return (await Promise.all(files.map((file) => target.read(file)))).join('\n');
}

/** A sum that fails its tests with a message carrying whatever `expression` yields. */
function leaking(expression: string, imports = ''): { content: string } {
  return {
    content: codeReply(
      'src/sum.ts',
      `${imports}export function sum(a: number, b: number): number {\n  throw new Error('leak: ' + String(${expression}));\n}\n`,
    ),
  };
}

for (const sandbox of ['off', 'auto'] as const) {
  it(`keeps an env secret out of every prompt and all output (sandbox ${sandbox})`, async () => {
    repo = await createTempRepo(sumRepoFiles(), { commit: true });
    const run = await runWithModel(repo, [leaking('process.env.SERVICE_API_TOKEN'), right], ['build', '--sandbox', sandbox], {
      SERVICE_API_TOKEN: ENV_CANARY,
    });

    expect(run.exitCode).toBe(0);
    expect(JSON.stringify(run.requests.map((request) => request.body))).not.toContain(ENV_CANARY);
    expect(run.stdout + run.stderr).not.toContain(ENV_CANARY);
    // A confined module has no process at all; one that had would have found the variable scrubbed.
    expect(JSON.stringify(run.requests[1]!.body)).toMatch(/leak: (undefined|\[REDACTED)|reading 'env'/);
    expect(await cacheText(repo)).not.toContain(ENV_CANARY);
  });

  it(`keeps a .env secret out of every prompt and all output (sandbox ${sandbox})`, async () => {
    const intent = sumIntentWith('allow: [fs]');
    repo = await createTempRepo(
      { ...sumRepoFiles(), 'intents/sum.intent.md': intent, '.env': `DB_PASSWORD=${DOTENV_CANARY}\n`, '.gitignore': '.env\n' },
      { commit: true },
    );
    const read = leaking(
      "readFileSync(new URL(['..', '.e' + 'nv'].join('/'), import.meta.url), 'utf8')",
      "import { readFileSync } from 'node:fs';\n",
    );
    const run = await runWithModel(repo, [read, right], ['build', '--sandbox', sandbox]);

    expect(run.exitCode).toBe(0);
    expect(JSON.stringify(run.requests.map((request) => request.body))).not.toContain(DOTENV_CANARY);
    expect(run.stdout + run.stderr).not.toContain(DOTENV_CANARY);
    expect(await cacheText(repo)).not.toContain(DOTENV_CANARY);
    expect(await repo.read('.env')).toBe(`DB_PASSWORD=${DOTENV_CANARY}\n`);
  });
}

it('never puts a secret file in the prompt even when an intent lists it as a test', async () => {
  const intent = sumIntentWith('tests: [test/sum.test.ts, test/.env.test]');
  repo = await createTempRepo(
    { ...sumRepoFiles(), 'intents/sum.intent.md': intent, 'test/.env.test': `TOKEN=${DOTENV_CANARY}\n` },
    { commit: true },
  );
  const run = await runWithModel(repo, [right], ['build', '--sandbox', 'off']);

  expect(JSON.stringify(run.requests.map((request) => request.body))).not.toContain(DOTENV_CANARY);
});
