// Scenarios 2 and 5: `ainative build` on a repo whose intents are all fresh must cost little more than starting
// node, at 100 and at 1,000 intents. Both also give the peak memory of that no-op build and of the first build,
// through the fake model, that made the intents fresh.
import { flatGraph, graphFiles } from '../fixtures/graph.js';
import { kbToMb, spawnNodeWithPeak, testHosts, type PeakRun } from '../memory.js';
import { builtModules, buildJson, modelEnv, startModel } from '../model.js';
import { createRepo } from '../repos.js';
import type { Scenario } from '../scenario.js';
import { spawnOk } from '../spawn.js';
import { CLI_PATH } from '../../test/helpers/run-cli.js';
import { summarize, single } from '../stats.js';
import { row } from '../table.js';

const WARMUP = 1;
const COUNT = 7;
/** No-op builds (and `node -e 0` runs) with the memory hook, after the timed ones. */
const MEMORY_RUNS = 3;
/** Generous: the 1,000-intent first build takes minutes on 2 cores. */
const FIRST_BUILD_TIMEOUT_MS = 20 * 60_000;

interface NoopOptions {
  number: number;
  key: string;
  intents: number;
  /** The largest no-op build / `node -e 0` ratio that passes. */
  maxRatio: number;
  /** `--concurrency` of the first build; the CLI's default when absent. */
  concurrency?: number;
}

/** Scenario 2: 100 intents, the first build with the CLI's defaults. */
export const noopBuild = noopScenario({ number: 2, key: 'noop', intents: 100, maxRatio: 2.5 });
/** Scenario 5: 1,000 intents, the first build with many slots, as it only makes the fixture. */
export const scaleNoopBuild = noopScenario({ number: 5, key: 'scale', intents: 1000, maxRatio: 3, concurrency: 32 });

function noopScenario(options: NoopOptions): Scenario {
  const count = options.intents.toLocaleString('en-US');
  const name = `${options.number} no-op build, ${count} intents`;
  const concurrency = options.concurrency ? ['--concurrency', String(options.concurrency)] : [];
  return {
    key: options.key,
    title: `No-op ainative build on ${count} fresh intents`,
    async run(space, log) {
      const nodes = flatGraph(options.intents);
      const { files, modules } = graphFiles(nodes);
      const repo = await createRepo(space, options.key, files);
      const { root } = repo;
      const server = await startModel((id) => ({ path: `src/${id}.ts`, code: modules.get(id)! }));
      try {
        const env = modelEnv(server);
        log(`  building the ${count} intents once against the fake model${concurrency.length > 0 ? ` (${concurrency.join(' ')})` : ''}`);
        const first = await spawnNodeWithPeak([CLI_PATH, 'build', ...concurrency, '--json'], {
          cwd: root,
          env,
          timeoutMs: FIRST_BUILD_TIMEOUT_MS,
        });
        const built = builtModules(first.run).filter((m) => m.status === 'built').length;
        if (built !== options.intents) throw new Error(`expected ${options.intents} built modules, got ${built}`);
        const hosts = testHosts(first);
        if (hosts.length === 0) throw new Error('no test host process was seen during the first build');
        await repo.commit('built by ainative');
        const before = server.requests.length;
        log(`  timing node -e 0 and the no-op build, interleaved, ${WARMUP} + ${COUNT} each`);
        const times = await timeNoop(root, env);
        log(`  peak memory of node -e 0 and the no-op build, ${MEMORY_RUNS} each`);
        const memory = await noopMemory(root, env);
        const calls = server.requests.length - before;
        const check = await buildJson(root, env);
        const fresh = check.modules.filter((m) => m.status === 'fresh').length;
        const nodeSum = summarize(times.node);
        const buildSum = summarize(times.build);
        const ratio = buildSum.median / nodeSum.median;
        const hostKb = Math.max(...hosts.map((host) => host.kb));
        const hostNote = hosts.length === 1 ? '' : ` (largest of ${hosts.length})`;
        return {
          rows: [
            row(
              name,
              `first build of the ${count} intents (fake model, 0 ms latency${concurrency.length > 0 ? `, ${concurrency.join(' ')}` : ''})`,
              'ms',
              single(first.run.ms),
            ),
            row(name, '`node -e 0`', 'ms', nodeSum),
            row(name, '`ainative --version` (CLI entry only)', 'ms', summarize(times.version)),
            row(name, '`ainative build`, nothing stale', 'ms', buildSum),
            row(name, 'no-op build / `node -e 0`', 'x', single(ratio), `≤ ${options.maxRatio}×`, ratio <= options.maxRatio),
            row(name, 'model requests during the timed and measured no-op builds', 'count', single(calls), '0', calls === 0),
            row(name, 'intents reported fresh afterwards', 'count', single(fresh), String(options.intents), fresh === options.intents),
            row(name, 'peak RSS: `node -e 0`', 'MB', summarize(memory.node.map(kbToMb))),
            row(name, 'peak RSS: `ainative build`, nothing stale', 'MB', summarize(memory.build.map(kbToMb))),
            row(name, 'peak RSS: first build, ainative process', 'MB', single(kbToMb(first.selfKb))),
            row(name, `peak RSS: first build, test host process${hostNote}`, 'MB', single(kbToMb(hostKb))),
            row(name, '  the two together (sum of the peaks)', 'MB', single(kbToMb(first.selfKb + hostKb))),
          ],
          notes: [note(options, count)],
        };
      } finally {
        await server.close();
      }
    },
  };
}

/** `node -e 0`, the no-op build and `--version`, interleaved so drift in the machine's load hits all alike. */
async function timeNoop(root: string, env: NodeJS.ProcessEnv): Promise<{ node: number[]; build: number[]; version: number[] }> {
  const node: number[] = [];
  const build: number[] = [];
  const version: number[] = [];
  for (let i = 0; i < WARMUP + COUNT; i++) {
    const bare = await spawnOk(process.execPath, ['-e', '0'], { cwd: root, env });
    const noop = await spawnOk(process.execPath, [CLI_PATH, 'build'], { cwd: root, env, timeoutMs: 60_000 });
    // The CLI entry alone (commander, no command module): separates process start from the build's own work.
    const entry = await spawnOk(process.execPath, [CLI_PATH, '--version'], { cwd: root, env });
    if (i >= WARMUP) {
      node.push(bare.ms);
      build.push(noop.ms);
      version.push(entry.ms);
    }
  }
  return { node, build, version };
}

/** Peak RSS in kB of `node -e 0` and of the no-op build, each with the same preloaded hook. */
async function noopMemory(root: string, env: NodeJS.ProcessEnv): Promise<{ node: number[]; build: number[] }> {
  const node: number[] = [];
  const build: number[] = [];
  for (let i = 0; i < MEMORY_RUNS; i++) {
    node.push(succeeded(await spawnNodeWithPeak(['-e', '0'], { cwd: root, env })).selfKb);
    const noop = succeeded(await spawnNodeWithPeak([CLI_PATH, 'build'], { cwd: root, env, timeoutMs: 60_000 }));
    // The figure is the ainative process alone: a test host started here would be memory it leaves out.
    if (testHosts(noop).length > 0) throw new Error('the no-op build started a test host');
    build.push(noop.selfKb);
  }
  return { node, build };
}

function succeeded(peak: PeakRun): PeakRun {
  if (peak.run.code !== 0) throw new Error(`exited ${peak.run.code}\n${peak.run.stdout.slice(-2000)}\n${peak.run.stderr.slice(-2000)}`);
  return peak;
}

function note(options: NoopOptions, count: string): string {
  const first = options.concurrency
    ? `built once through the fake model by the real CLI with \`--concurrency ${options.concurrency}\` (the model answers at once, so more slots only keep both cores busy; every intent is generated, type-checked and tested as in any build) and committed`
    : "built once through the fake model with the CLI's defaults and committed";
  return (
    `Scenario ${options.number}: ${count} intents (every fourth uses the one before it), each with a 2-test file, ${first}; ` +
    `then \`node -e 0\`, \`node dist/src/cli/index.js build\` and \`--version\` spawned in turn, ${WARMUP} warm-up + ${COUNT} timed each, ` +
    'with the fake server still listening to catch any model call. Peak RSS: separate runs after the timed ones ' +
    `(${MEMORY_RUNS} of \`node -e 0\` and of the no-op build), and the first build; each node process started with ` +
    "`--require bench/peak-rss.cjs`, which writes the VmHWM of `/proc/self/status` (the process's own high-water mark since " +
    'its exec, its worker threads included) as it exits; the test host is a separate process (in bubblewrap by default), its ' +
    "VmHWM read from `/proc/<pid>/status` every 50 ms while the build runs. The first build's wall time includes that polling."
  );
}
