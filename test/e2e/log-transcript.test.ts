import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { codeReply } from '../helpers/fake-model-server.js';
import { runWithModel, userChanges } from '../helpers/scenario.js';
import { runCli } from '../helpers/run-cli.js';
import { SUM_RIGHT, SUM_TEST, SUM_WRONG, sumRepoFiles } from '../helpers/sum-fixture.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

const CANARY = 'canary-env-4b7e1d9a03';

it("keeps each attempt's messages, reply and feedback out of the work tree, secrets redacted, and shows them with ainative log", async () => {
  // The test file names a secret the environment holds: it goes into every prompt, and must not reach the transcript.
  repo = await createTempRepo({ ...sumRepoFiles(), 'test/sum.test.ts': `// staging token: ${CANARY}\n${SUM_TEST}` }, { commit: true });
  const run = await runWithModel(
    repo,
    [{ content: codeReply('src/sum.ts', SUM_WRONG) }, { content: codeReply('src/sum.ts', SUM_RIGHT) }],
    ['build'],
    {
      SERVICE_API_TOKEN: CANARY,
    },
  );
  expect(run.exitCode).toBe(0);

  const log = await runCli(['log', '--json'], { cwd: repo.root });
  expect(log.exitCode).toBe(0);
  const { build, attempts } = JSON.parse(log.stdout);
  expect(build.model).toBe('gpt-4o-mini');
  expect(attempts.map((one: { intent: string; attempt: number; green: boolean }) => [one.intent, one.attempt, one.green])).toEqual([
    ['sum', 1, false],
    ['sum', 2, true],
  ]);
  // What the model received, as sent (after redaction), attempt by attempt.
  expect(attempts[0].messages).toEqual(run.requests[0]!.body.messages);
  expect(attempts[1].messages).toEqual(run.requests[1]!.body.messages);
  expect(attempts[0].replies[0].content).toContain('return a * b;');
  expect(attempts[0].feedback).toContain('sum > adds two positives');
  expect(attempts[1]).not.toHaveProperty('feedback');

  // Under .git/ainative, so never committed; the secret is redacted.
  const dir = join(repo.root, '.git', 'ainative', 'transcripts');
  const files = await readdir(dir);
  expect(files).toHaveLength(1);
  const text = await readFile(join(dir, files[0]!), 'utf8');
  expect(text).not.toContain(CANARY);
  expect(text).toContain('[REDACTED:SERVICE_API_TOKEN]');
  expect((await userChanges(repo)).sort()).toEqual(['ainative.lock', 'src/sum.ts']);

  const second = await runCli(['log', 'sum', '--attempt', '2'], { cwd: repo.root });
  expect(second.exitCode).toBe(0);
  expect(second.stdout).toContain('=== sum · attempt 2/4 · writing src/sum.ts ===');
  expect(second.stdout).toContain('--- sent: user ---');
  expect(second.stdout).toContain('return a + b;');
  expect(second.stdout).not.toContain('attempt 1/4');

  const unknown = await runCli(['log', 'nope'], { cwd: repo.root });
  expect(unknown.exitCode).toBe(2);
  expect(unknown.stderr).toContain("unknown intent 'nope'");
});
