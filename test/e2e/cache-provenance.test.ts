import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { codeReply, type FakeReply, type FakeRequest } from '../helpers/fake-model-server.js';
import { runCli } from '../helpers/run-cli.js';
import { runWithModel, type ScenarioResult } from '../helpers/scenario.js';
import { cloneTempRepo, createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
const clones: TempRepo[] = [];
afterEach(() => {
  repo?.cleanup();
  for (const clone of clones.splice(0)) clone.cleanup();
});

const IDS = ['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7'];

/** Eight independent intents: `nK` exports `value = K`. */
function files(): Record<string, string> {
  const result: Record<string, string> = {};
  IDS.forEach((id, k) => {
    result[`intents/${id}.intent.md`] = `---\nmodule: src/${id}.ts\n---\nExports the number ${k} as \`value\`.\n`;
    result[`test/${id}.test.ts`] =
      `import { expect, it } from 'vitest';\nimport { value } from '../src/${id}.ts';\nit('is ${k}', () => expect(value).toBe(${k}));\n`;
  });
  return result;
}

/**
 * Even intents answer wrong first and right on the retry, odd ones right at once, those in `neverRight` always
 * wrong. Each reply takes a moment, so the four in flight overlap.
 */
function replyFor(neverRight: string[]): (request: FakeRequest) => FakeReply {
  return (request) => {
    const messages = request.body.messages as Array<{ content: string }>;
    const id = /Write `src\/(n\d)\.ts`/.exec(messages[1]!.content)![1]!;
    const k = Number(id.slice(1));
    const right = !neverRight.includes(id) && (k % 2 === 1 || messages.length > 2);
    return { content: codeReply(`src/${id}.ts`, `export const value: number = ${right ? k : -1};\n`), latencyMs: 100 };
  };
}

async function build(target: TempRepo, args: string[], neverRight: string[] = []): Promise<ScenarioResult> {
  return runWithModel(target, { respond: replyFor(neverRight) }, ['build', ...args]);
}

function lockReplies(lockText: string | undefined): Record<string, string[]> {
  const lock = JSON.parse(lockText ?? '{}') as { intents: Record<string, { output: { replies?: string[] } }> };
  return Object.fromEntries(Object.entries(lock.intents).map(([id, entry]) => [id, entry.output.replies ?? []]));
}

it('after a rebuild and cache prune, a fresh clone rebuilds --frozen offline, byte-identical, though the first build ran four intents at once', async () => {
  repo = await createTempRepo({ ...files(), '.gitignore': 'src/\n' }, { commit: true });
  const first = await build(repo, ['--concurrency', '4']);
  expect(first.exitCode).toBe(0);
  expect(first.maxConcurrent).toBeGreaterThan(1);
  // Every intent's lock entry lists its own replies: two for the even ones (red, then green), one for the odd ones.
  expect(Object.values(lockReplies(await repo.read('ainative.lock'))).map((keys) => keys.length)).toEqual([2, 1, 2, 1, 2, 1, 2, 1]);
  await repo.commit('build');

  await repo.write('intents/n3.intent.md', `${files()['intents/n3.intent.md']}It never changes.\n`);
  const rebuilt = await build(repo, ['--concurrency', '4', '--json']);
  expect(rebuilt.exitCode).toBe(0);
  expect(
    JSON.parse(rebuilt.stdout)
      .modules.filter((module: { status: string }) => module.status === 'built')
      .map((module: { id: string }) => module.id),
  ).toEqual(['n3']);
  const pruned = JSON.parse((await runCli(['cache', 'prune', '--json'], { cwd: repo.root })).stdout);
  expect(pruned).toMatchObject({ removed: 1, kept: 12 });
  await repo.commit('rebuild n3, prune the cache');

  const clone = await cloneTempRepo(repo);
  clones.push(clone);
  const offline = await build(clone, ['--frozen', '--concurrency', '4', '--json']);
  // Where bubblewrap is missing ainative says so once; nothing else may be on stderr.
  expect(offline.stderr.split('\n').filter((line) => line !== '' && !line.includes('bubblewrap (bwrap)'))).toEqual([]);
  expect(offline.exitCode).toBe(0);
  expect(offline.requests).toHaveLength(0);
  expect(JSON.parse(offline.stdout).replayed).toBe(12);
  for (const id of IDS) expect(await readFile(join(clone.root, `src/${id}.ts`), 'utf8'), id).toBe(await repo.read(`src/${id}.ts`));
});

it('--commit at --concurrency 4 commits the cache entry of every reply of what it built, and writes none for what stayed red', async () => {
  repo = await createTempRepo(files(), { commit: true });
  const run = await build(repo, ['--concurrency', '4', '--max-attempts', '2', '--commit', '--json'], ['n6']);
  expect(run.exitCode).toBe(1);
  expect(JSON.parse(run.stdout).modules.find((module: { id: string }) => module.id === 'n6')).toMatchObject({
    status: 'failed',
    attempts: 2,
  });

  const recorded = lockReplies(await repo.read('ainative.lock'));
  expect(Object.keys(recorded)).toEqual(IDS.filter((id) => id !== 'n6'));
  expect(Object.values(recorded).flat()).toHaveLength(10);
  const committed = (await repo.git.raw(['ls-files', '.ainative/cache'])).split('\n').filter(Boolean);
  expect(committed.sort()).toEqual(
    Object.values(recorded)
      .flat()
      .map((key) => `.ainative/cache/${key.slice(0, 2)}/${key}.json`)
      .sort(),
  );
  expect((await repo.git.status()).files).toEqual([]);
});
