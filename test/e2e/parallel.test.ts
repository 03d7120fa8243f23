import { afterEach, describe, expect, it } from 'vitest';
import {
  codeReply,
  startFakeModelServer,
  type FakeModelServerOptions,
  type FakeReply,
  type FakeRequest,
} from '../helpers/fake-model-server.js';
import { runCli } from '../helpers/run-cli.js';
import { modelEnv, runWithModel } from '../helpers/scenario.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

const LEAVES = ['alpha', 'beta', 'gamma', 'delta'];

/** Four independent constant modules and `total`, which uses alpha and beta. */
function files(): Record<string, string> {
  const result: Record<string, string> = {};
  for (const id of LEAVES) {
    result[`intents/${id}.intent.md`] = `---\nmodule: src/${id}.ts\n---\nExports the number of letters in "${id}" as \`value\`.\n`;
    result[`test/${id}.test.ts`] =
      `import { expect, it } from 'vitest';\nimport { value } from '../src/${id}.ts';\nit('counts', () => expect(value).toBe(${id.length}));\n`;
  }
  result['intents/total.intent.md'] = '---\nmodule: src/total.ts\nuses: [alpha, beta]\n---\nAdds alpha and beta.\n';
  result['test/total.test.ts'] =
    "import { expect, it } from 'vitest';\nimport { total } from '../src/total.ts';\nit('adds', () => expect(total()).toBe(9));\n";
  return result;
}

function replyFor(request: FakeRequest): FakeReply {
  const text = JSON.stringify(request.body.messages);
  const id = /the module for the intent `(\w+)`/.exec(text)?.[1] ?? '';
  if (id === 'total')
    return {
      content: codeReply(
        'src/total.ts',
        "import { value as a } from './alpha.ts';\nimport { value as b } from './beta.ts';\nexport const total = (): number => a + b;\n",
      ),
    };
  return { content: codeReply(`src/${id}.ts`, `export const value = ${id.length};\n`) };
}

it('builds independent intents in parallel up to --concurrency, and a dependent only after what it uses', async () => {
  repo = await createTempRepo(files(), { commit: true });
  const waiting: Array<() => void> = [];
  // Hold each reply until two requests are in flight (or a second has passed), so overlap does not depend on timing luck.
  const run = await runWithModel(
    repo,
    {
      respond: (request) =>
        new Promise<FakeReply>((resolve) => {
          const release = () => resolve(replyFor(request));
          waiting.push(release);
          if (waiting.length >= 2) waiting.splice(0).forEach((go) => go());
          else setTimeout(() => waiting.splice(0).forEach((go) => go()), 1_000);
        }),
    },
    ['build', '--concurrency', '2', '--json'],
  );

  expect(run.exitCode).toBe(0);
  expect(run.requests).toHaveLength(5);
  expect(run.maxConcurrent).toBe(2);
  const startOf = (id: string) => run.requests.find((request) => JSON.stringify(request.body.messages).includes(`intent \`${id}\``))!;
  for (const used of ['alpha', 'beta']) expect(startOf('total').startedAt).toBeGreaterThanOrEqual(startOf(used).endedAt!);
  expect(
    JSON.parse(run.stdout)
      .modules.map((module: { id: string; status: string }) => `${module.id}:${module.status}`)
      .sort(),
  ).toEqual(['alpha:built', 'beta:built', 'delta:built', 'gamma:built', 'total:built']);
});

it('runs the tests of intents whose replies arrive together in shared vitest runs', async () => {
  repo = await createTempRepo(files(), { commit: true });
  const waiting: Array<() => void> = [];
  // The four leaves answer at the same moment, once all four are asked.
  const run = await runWithModel(
    repo,
    {
      respond: (request) =>
        new Promise<FakeReply>((resolve) => {
          waiting.push(() => resolve(replyFor(request)));
          if (waiting.length >= LEAVES.length || JSON.stringify(request.body.messages).includes('intent `total`'))
            waiting.splice(0).forEach((go) => go());
        }),
    },
    ['build', '--concurrency', '4', '--json'],
  );
  expect(run.exitCode).toBe(0);
  const report = JSON.parse(run.stdout);
  expect(report.modules.every((module: { status: string; attempts: number }) => module.status === 'built' && module.attempts === 1)).toBe(
    true,
  );
  // Five intents, one test run each: the leaves' runs queue up behind the first and go together.
  expect(report.testHost.runs).toBeLessThan(5);
  expect(report.testHost.runs).toBeGreaterThanOrEqual(2);
});

it('never has more requests in flight than --concurrency 1 allows', async () => {
  repo = await createTempRepo(files(), { commit: true });
  const run = await runWithModel(repo, { respond: (request) => ({ ...replyFor(request), latencyMs: 50 }) }, [
    'build',
    '--concurrency',
    '1',
  ]);
  expect(run.exitCode).toBe(0);
  expect(run.maxConcurrent).toBe(1);
});

it('splits intents over shards so that every intent is owned by exactly one, each shard building what its intents use', async () => {
  repo = await createTempRepo(files(), { commit: true });
  const server = await startFakeModelServer({ respond: replyFor });
  try {
    const built: string[][] = [];
    const owned: string[][] = [];
    for (const shard of ['1/3', '2/3', '3/3']) {
      const run = await runCli(['build', '--shard', shard, '--json', '--no-cache'], {
        cwd: repo.root,
        env: modelEnv(server),
      });
      expect(run.exitCode).toBe(0);
      const report = JSON.parse(run.stdout);
      built.push(report.modules.map((module: { id: string }) => module.id));
      owned.push(report.shard.owned);
      await repo.git.raw(['checkout', '--', '.']);
      await repo.git.raw(['clean', '-fdq', '-e', '.ainative']);
    }
    expect(owned.flat().sort()).toEqual([...LEAVES, 'total'].sort());
    const withTotal = built.find((ids) => ids.includes('total'))!;
    expect(withTotal).toEqual(expect.arrayContaining(['alpha', 'beta']));
  } finally {
    await server.close();
  }
});

/** A one-intent repo whose test wants `value` to be 5. */
async function alphaRepo(): Promise<TempRepo> {
  return createTempRepo(
    { 'intents/alpha.intent.md': files()['intents/alpha.intent.md']!, 'test/alpha.test.ts': files()['test/alpha.test.ts']! },
    { commit: true },
  );
}

const alpha = (value: number) => codeReply('src/alpha.ts', `export const value = ${value};\n`);

/**
 * Temperature and n of each request, in a fixed order: the first candidate's request and the one with n go out
 * together, so which the server sees first is up to the network.
 */
function requestShapes(requests: FakeRequest[]): Array<[number, number | undefined]> {
  const shapes = requests.map((request): [number, number | undefined] => [request.body.temperature, request.body.n]);
  return shapes.sort(([t1, n1], [t2, n2]) => t1 - t2 || (n2 ?? 0) - (n1 ?? 0));
}

/** Builds alpha with `--samples 3` against a fake model; the module must end up with the right candidate. */
async function buildWithSamples(model: FakeModelServerOptions): Promise<FakeRequest[]> {
  const run = await runWithModel(repo, model, ['build', '--samples', '3', '--json']);
  expect(run.exitCode).toBe(0);
  expect(JSON.parse(run.stdout).modules[0]).toMatchObject({ status: 'built', attempts: 1 });
  expect(await repo.read('src/alpha.ts')).toContain('export const value = 5;');
  return run.requests;
}

describe('--samples (best-of-n)', () => {
  it("asks for the extra candidates with the API's n in one request and keeps the one that passes", async () => {
    repo = await alphaRepo();
    // Temperature 0 is wrong; of the two sampled choices, the second is right.
    const requests = await buildWithSamples({
      respond: (request) => (request.body.temperature === 0 ? { content: alpha(0) } : { choices: [alpha(1), alpha(5)] }),
    });
    expect(requestShapes(requests)).toEqual([
      [0, undefined],
      [0.8, 2],
    ]);
  });

  it('asks one by one for what a provider that ignores n did not send', async () => {
    repo = await alphaRepo();
    const requests = await buildWithSamples({
      ignoresN: true,
      respond: (request) => ({ content: alpha(request.body.temperature === 0 ? 0 : request.body.n ? 1 : 5) }),
    });
    expect(requestShapes(requests)).toEqual([
      [0, undefined],
      [0.8, 2],
      [0.8, undefined],
    ]);
  });

  it('falls back to one request per candidate when the provider refuses n', async () => {
    repo = await alphaRepo();
    let singles = 0;
    const requests = await buildWithSamples({
      respond: (request) => {
        if (request.body.n) return { status: 400, error: { message: "Unsupported value: 'n' must be 1" } };
        if (request.body.temperature === 0) return { content: alpha(0) };
        return { content: alpha(++singles === 2 ? 5 : 1) };
      },
    });
    expect(requestShapes(requests)).toEqual([
      [0, undefined],
      [0.8, 2],
      [0.8, undefined],
      [0.8, undefined],
    ]);
  });
});
