// Scenario 3: 40 intents in a DAG of depth 4, built with --concurrency 8 against a model that takes 300 ms per
// reply; the wall time is compared with the critical path: 4 replies plus one test run per level.
import { loadAdapters } from '../dist.js';
import { graphFiles, layeredGraph, type GraphNode } from '../fixtures/graph.js';
import { buildJson, modelEnv, runCli, startModel } from '../model.js';
import { createRepo, resetRepo } from '../repos.js';
import type { Scenario } from '../scenario.js';
import { cliEnv } from '../spawn.js';
import { msSince, sample, summarize, single } from '../stats.js';
import { row } from '../table.js';

const NAME = '3 parallel DAG, 40 intents';
const DEPTH = 4;
const WIDTH = 10;
const LATENCY_MS = 300;
const CONCURRENCY = 8;

export const parallelDag: Scenario = {
  key: 'dag',
  title: 'Parallel build of 40 intents in a DAG of depth 4',
  async run(space, log) {
    const nodes = layeredGraph(DEPTH, WIDTH);
    const { files, modules } = graphFiles(nodes);
    const root = await createRepo(space, 'dag', files);
    const help = await runCli(root, cliEnv(), ['build', '--help']);
    const hasFlag = help.stdout.includes('--concurrency');
    const walls: number[] = [];
    const maxConcurrent: number[] = [];
    log(`  building ${nodes.length} intents with --concurrency ${CONCURRENCY}, ${LATENCY_MS} ms per reply`);
    await sample(async (i) => {
      await resetRepo(root);
      const server = await startModel((id) => ({ path: `src/${id}.ts`, code: modules.get(id)! }), LATENCY_MS);
      try {
        const { run, modules: built } = await buildJson(root, modelEnv(server), ['--concurrency', String(CONCURRENCY)]);
        const ok = built.filter((m) => m.status === 'built' && m.attempts === 1).length;
        if (ok !== nodes.length || server.requests.length !== nodes.length) {
          throw new Error(`expected ${nodes.length} modules built at the first attempt with as many requests, got ${ok} and ${server.requests.length}`);
        }
        if (i >= 0) {
          walls.push(run.ms);
          maxConcurrent.push(server.maxConcurrent);
        }
        return run.ms;
      } finally {
        await server.close();
      }
    }, { count: 4, warmup: 1, budgetMs: 60_000 });
    log('  timing warm test runs per level (the built repo, the sandboxed runner in this process)');
    const { chain, all } = await testTimes(root, nodes);
    const bound = DEPTH * LATENCY_MS + chain;
    const wall = summarize(walls);
    const ratio = wall.median / bound;
    const throughput = Math.ceil(nodes.length / CONCURRENCY) * LATENCY_MS;
    return {
      rows: [
        row(NAME, `wall time of \`build --concurrency ${CONCURRENCY}\``, 'ms', wall, `≤ ${Math.round(1.25 * bound)} ms`, ratio <= 1.25),
        row(NAME, `critical-path bound: ${DEPTH} × ${LATENCY_MS} ms + chain tests`, 'ms', single(bound)),
        row(NAME, `  chain tests: one warm run per level (${DEPTH})`, 'ms', single(chain)),
        row(NAME, `  all ${nodes.length} warm test runs, one after another`, 'ms', single(all)),
        row(NAME, `  model-side floor: ⌈${nodes.length}/${CONCURRENCY}⌉ × ${LATENCY_MS} ms`, 'ms', single(throughput)),
        row(NAME, 'wall / critical-path bound', 'x', single(ratio), '≤ 1.25×', ratio <= 1.25),
        row(NAME, 'fake server maxConcurrent', 'count', summarize(maxConcurrent), String(CONCURRENCY), maxConcurrent.every((m) => m === CONCURRENCY)),
      ],
      notes: [
        `Scenario 3: ${DEPTH} levels of ${WIDTH} intents, each below the first using two of the level above; every reply takes ${LATENCY_MS} ms ` +
          `(\`latencyMs\`); \`--concurrency ${CONCURRENCY}\` ${hasFlag ? 'is listed' : 'is NOT listed'} in \`build --help\`. The repo is reset (git clean) before ` +
          'each build; 1 warm-up + up to 4 timed builds. Chain test time: the median of 3 warm runs of one intent per level in a ' +
          '--sandbox auto runner started in this process, summed over the levels. Note that no schedule can beat the model-side ' +
          'floor above with 40 intents and 8 slots, and the warm test host runs one test set at a time, so the 40 test runs are serial.',
      ],
    };
  },
};

/** Warm test time: one run per level summed (the chain), and every intent's run summed. */
async function testTimes(root: string, nodes: GraphNode[]): Promise<{ chain: number; all: number }> {
  const { createSandboxedRunner } = await loadAdapters();
  const runner = await createSandboxedRunner({
    root, configFile: false, sandbox: 'auto', runTimeoutMs: 60_000, env: process.env, hiddenPaths: [], onWarning: () => {},
  });
  try {
    const runOnce = async (id: string) => {
      const start = process.hrtime.bigint();
      const result = await runner.run([`test/${id}.test.ts`], [`src/${id}.ts`]);
      const ms = msSince(start);
      if (result.passed !== 2 || result.failed !== 0) throw new Error(`tests of ${id} did not pass: ${JSON.stringify(result)}`);
      return ms;
    };
    await runOnce(nodes[0]!.id);
    let chain = 0;
    for (let level = 0; level < DEPTH; level++) {
      const id = nodes[level * WIDTH]!.id;
      chain += summarize(await sample(() => runOnce(id), { count: 3, warmup: 0, budgetMs: 10_000 })).median;
    }
    let all = 0;
    for (const node of nodes) all += await runOnce(node.id);
    return { chain, all };
  } finally {
    await runner.close();
  }
}
