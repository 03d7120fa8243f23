// Scenario 2: `ainative build` on a repo of 100 fresh intents must cost little more than starting node.
import { CLI } from '../dist.js';
import { flatGraph, graphFiles } from '../fixtures/graph.js';
import { buildJson, modelEnv, startModel } from '../model.js';
import { commitAll, createRepo } from '../repos.js';
import type { Scenario } from '../scenario.js';
import { spawnOk } from '../spawn.js';
import { summarize, single } from '../stats.js';
import { row } from '../table.js';

const NAME = '2 no-op build, 100 intents';
const WARMUP = 1;
const COUNT = 7;

export const noopBuild: Scenario = {
  key: 'noop',
  title: 'No-op ainative build on 100 fresh intents',
  async run(space, log) {
    const nodes = flatGraph(100);
    const { files, modules } = graphFiles(nodes);
    const root = await createRepo(space, 'noop', files);
    const server = await startModel((id) => ({ path: `src/${id}.ts`, code: modules.get(id)! }));
    try {
      log('  building the 100 intents once against the fake model');
      const first = await buildJson(root, modelEnv(server));
      const built = first.modules.filter((m) => m.status === 'built').length;
      if (built !== 100) throw new Error(`expected 100 built modules, got ${built}`);
      await commitAll(root, 'built by ainative');
      const env = modelEnv(server);
      const before = server.requests.length;
      const node: number[] = [];
      const build: number[] = [];
      const version: number[] = [];
      log(`  timing node -e 0 and the no-op build, interleaved, ${WARMUP} + ${COUNT} each`);
      for (let i = 0; i < WARMUP + COUNT; i++) {
        // Interleaved, so drift in the machine's load hits both sides alike.
        const bare = await spawnOk(process.execPath, ['-e', '0'], { cwd: root, env });
        const noop = await spawnOk(process.execPath, [CLI, 'build'], { cwd: root, env, timeoutMs: 60_000 });
        // The CLI entry alone (commander, no command module): separates process start from the build's own work.
        const entry = await spawnOk(process.execPath, [CLI, '--version'], { cwd: root, env });
        if (i >= WARMUP) {
          node.push(bare.ms);
          build.push(noop.ms);
          version.push(entry.ms);
        }
      }
      const calls = server.requests.length - before;
      const check = await buildJson(root, env);
      const fresh = check.modules.filter((m) => m.status === 'fresh').length;
      const nodeSum = summarize(node);
      const buildSum = summarize(build);
      const ratio = buildSum.median / nodeSum.median;
      return {
        rows: [
          row(NAME, 'first build of the 100 intents (fake model, 0 ms latency)', 'ms', single(first.run.ms)),
          row(NAME, '`node -e 0`', 'ms', nodeSum),
          row(NAME, '`ainative --version` (CLI entry only)', 'ms', summarize(version)),
          row(NAME, '`ainative build`, nothing stale', 'ms', buildSum),
          row(NAME, 'no-op build / `node -e 0`', 'x', single(ratio), '≤ 2.5×', ratio <= 2.5),
          row(NAME, 'model requests during the timed builds', 'count', single(calls), '0', calls === 0),
          row(NAME, 'intents reported fresh afterwards', 'count', single(fresh), '100', fresh === 100),
        ],
        notes: [
          'Scenario 2: 100 intents (every fourth uses the one before it), each with a 2-test file, built once through the fake model ' +
            `and committed; then \`node -e 0\`, \`node dist/src/cli/index.js build\` and \`--version\` spawned in turn, ${WARMUP} warm-up + ${COUNT} timed each, ` +
            'with the fake server still listening to catch any model call.',
        ],
      };
    } finally {
      await server.close();
    }
  },
};
