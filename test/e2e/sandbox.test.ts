import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { codeReply } from '../helpers/fake-model-server.js';
import { lastUserMessage, runWithModel } from '../helpers/scenario.js';
import { SUM_RIGHT, sumIntentWith, sumRepoFiles } from '../helpers/sum-fixture.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';
import { processesMentioning } from '../helpers/processes.js';
import { BWRAP_WORKS, warnSkipped } from '../helpers/bwrap.js';
import { createGitOnlyBin } from '../helpers/git-only-bin.js';

warnSkipped('the e2e tests of writes and network under --sandbox required');

let repo: TempRepo;
afterEach(() => repo?.cleanup());

const right = { content: codeReply('src/sum.ts', SUM_RIGHT) };
const WITH_FS = sumIntentWith('allow: [fs]');

/** A correct sum whose body first runs `effect` (so only the sandbox can make the tests fail). */
function sumWith(effect: string, imports = ''): { content: string } {
  return {
    content: codeReply('src/sum.ts', `${imports}export function sum(a: number, b: number): number {\n  ${effect}\n  return a + b;\n}\n`),
  };
}

it.skipIf(!BWRAP_WORKS)('the sandbox makes a write outside the repo fail, and nothing is written there', async () => {
  repo = await createTempRepo({ ...sumRepoFiles(), 'intents/sum.intent.md': WITH_FS }, { commit: true });
  const outside = `${repo.root}-outside-canary.txt`;
  const run = await runWithModel(
    repo,
    [sumWith(`writeFileSync(${JSON.stringify(outside)}, 'escaped');`, "import { writeFileSync } from 'node:fs';\n"), right],
    ['build', '--sandbox', 'required'],
  );

  expect(run.exitCode).toBe(0);
  expect(lastUserMessage(run.requests[1]!)).toMatch(/EROFS|read-only file system|ENOENT|EACCES/);
  expect(existsSync(outside)).toBe(false);
});

it.skipIf(!BWRAP_WORKS)('the sandbox cuts the network: a loopback call from the tests cannot reach a server on the host', async () => {
  repo = await createTempRepo(sumRepoFiles(), { commit: true });
  let hits = 0;
  const server = createServer((_request, response) => {
    hits++;
    response.end('reached');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const calling = {
      content: codeReply(
        'src/sum.ts',
        `export async function ping(): Promise<string> {\n  return (await fetch('http://127.0.0.1:${port}/')).text();\n}\nawait ping();\nexport function sum(a: number, b: number): number {\n  return a + b;\n}\n`,
      ),
    };
    const run = await runWithModel(repo, [calling, right], ['build', '--sandbox', 'required']);

    expect(run.exitCode).toBe(0);
    expect(hits).toBe(0);
    expect(lastUserMessage(run.requests[1]!)).toMatch(/fetch failed|ECONNREFUSED|Errors that stopped test files/);
  } finally {
    server.close();
  }
});

it('kills an endless loop at the test-run timeout, leaves no process behind, and the next attempt builds', async () => {
  repo = await createTempRepo({ ...sumRepoFiles(), 'ainative.config.json': '{ "testRunTimeoutMs": 4000 }\n' }, { commit: true });
  const run = await runWithModel(repo, [sumWith('while (true) {}'), right]);

  expect(run.exitCode).toBe(0);
  expect(lastUserMessage(run.requests[1]!)).toMatch(/timed out after 4000 ms/);
  expect(processesMentioning(repo.root)).toEqual([]);
});

it('refuses to build with --sandbox required when bubblewrap is not usable, writing nothing', async () => {
  repo = await createTempRepo(sumRepoFiles(), { commit: true });
  // A PATH that has git but no bwrap.
  const bin = createGitOnlyBin();
  const run = await runWithModel(repo, [right], ['build', '--sandbox', 'required'], { PATH: bin.dir });
  bin.cleanup();

  expect(run.exitCode).toBe(4);
  expect(run.stderr).toMatch(/bwrap|bubblewrap/);
  expect((await repo.git.status()).files).toEqual([]);
});
