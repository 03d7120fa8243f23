// Scenario 3: 40 intents in a DAG of depth 4 (10 per level), built with one slot per intent of a level against a
// model that takes 300 ms per reply. The wall time is compared with the critical-path bound
// (depth x latency plus the measured test time, the warm test host serialising test runs: the 40 intents' test runs
// one after another in a warm host, measured apart from the build), and with a stricter one: per level, one reply
// plus one non-model iteration (guard, type check, test run) of one intent.
import { loadAdapters } from '../dist.js';
import { graphFiles, layeredGraph, type GraphNode } from '../fixtures/graph.js';
import { modelEnv, runCli, startModel, type BuiltModule } from '../model.js';
import { createRepo, resetRepo } from '../repos.js';
import type { Scenario } from '../scenario.js';
import { spawnTimed } from '../spawn.js';
import { CLI_PATH, cliEnv } from '../../test/helpers/run-cli.js';
import { msSince, sample, summarize, single } from '../stats.js';
import { row } from '../table.js';
import { availableParallelism } from 'node:os';

const NAME = '3 parallel DAG, 40 intents';
const DEPTH = 4;
const WIDTH = 10;
const LATENCY_MS = 300;
/** Every intent of a level in flight at once: the bound below assumes nothing waits for a slot. */
const CONCURRENCY = WIDTH;

/** One timed build: wall and CPU time, and when the model saw its first request and sent its last reply. */
interface BuildSample {
  wall: number;
  /** The test host's busy time in the build (`testHost.ms` of --json). */
  tests: number;
  hostRuns: number;
  /** CPU time of ainative's own processes (bash's `times`; it cannot see into bubblewrap) plus the test host's (`testHost.cpuMs`). */
  cpu: number;
  hostCpu: number;
  firstRequest: number;
  afterLastReply: number;
  maxConcurrent: number;
}

export const parallelDag: Scenario = {
  key: 'dag',
  title: 'Parallel build of 40 intents in a DAG of depth 4',
  async run(space, log) {
    const nodes = layeredGraph(DEPTH, WIDTH);
    const { files, modules } = graphFiles(nodes);
    const repo = await createRepo(space, 'dag', files);
    const { root } = repo;
    const help = await runCli(root, cliEnv(), ['build', '--help']);
    const hasFlag = help.stdout.includes('--concurrency');
    const builds: BuildSample[] = [];
    log(`  building ${nodes.length} intents with --concurrency ${CONCURRENCY}, ${LATENCY_MS} ms per reply`);
    await sample(
      async (i) => {
        await resetRepo(repo);
        const server = await startModel((id) => ({ path: `src/${id}.ts`, code: modules.get(id)! }), LATENCY_MS);
        try {
          const measured = await timedBuild(root, server, nodes.length);
          if (i >= 0) builds.push(measured);
          return measured.wall;
        } finally {
          await server.close();
        }
      },
      { count: 4, warmup: 1, budgetMs: 60_000 },
    );
    log('  timing one non-model iteration per level (the built repo, the adapters in this process)');
    const { iteration, serial } = await testTimes(root, nodes, modules);
    const wall = summarize(builds.map((b) => b.wall));
    const bound = DEPTH * LATENCY_MS + serial;
    const strict = DEPTH * (LATENCY_MS + iteration.median);
    const cpu = summarize(builds.map((b) => b.cpu));
    const cores = availableParallelism();
    const ratio = wall.median / bound;
    return {
      rows: [
        row(NAME, `wall time of \`build --concurrency ${CONCURRENCY}\``, 'ms', wall, `≤ ${Math.round(1.25 * bound)} ms`, ratio <= 1.25),
        row(NAME, `critical-path bound: ${DEPTH} × ${LATENCY_MS} ms + test time`, 'ms', single(bound)),
        row(NAME, `  test time: the ${nodes.length} test runs one after another, warm host`, 'ms', single(serial)),
        row(NAME, 'wall / critical-path bound', 'x', single(ratio), '≤ 1.25×', ratio <= 1.25),
        row(NAME, `stricter bound: ${DEPTH} × (${LATENCY_MS} ms + one iteration)`, 'ms', single(strict)),
        row(NAME, '  one non-model iteration: guard + check + tests', 'ms', iteration),
        row(NAME, 'wall / stricter bound', 'x', single(wall.median / strict)),
        row(NAME, '  in the build: test host busy (`testHost.ms`)', 'ms', summarize(builds.map((b) => b.tests))),
        row(NAME, `  in the build: vitest runs for the ${nodes.length} test runs`, 'count', summarize(builds.map((b) => b.hostRuns))),
        row(NAME, '  spawn to the first model request', 'ms', summarize(builds.map((b) => b.firstRequest))),
        row(NAME, '  last reply to exit', 'ms', summarize(builds.map((b) => b.afterLastReply))),
        row(NAME, '  CPU time of the build, all processes and threads (user + sys)', 'ms', cpu),
        row(NAME, '    of which the test host (`testHost.cpuMs`)', 'ms', summarize(builds.map((b) => b.hostCpu))),
        row(NAME, `  CPU floor: that CPU time / ${cores} cores`, 'ms', single(cpu.median / cores)),
        row(
          NAME,
          'fake server maxConcurrent',
          'count',
          summarize(builds.map((b) => b.maxConcurrent)),
          String(CONCURRENCY),
          builds.every((b) => b.maxConcurrent === CONCURRENCY),
        ),
      ],
      notes: [
        `Scenario 3: ${DEPTH} levels of ${WIDTH} intents, each below the first using two of the level above; every reply takes ${LATENCY_MS} ms ` +
          `(\`latencyMs\`); \`--concurrency ${CONCURRENCY}\` ${hasFlag ? 'is listed' : 'is NOT listed'} in \`build --help\`. The repo is reset (git clean) before ` +
          "each build; 1 warm-up + up to 4 timed builds, each run under `bash -c` so that `times` reports the CPU of ainative's processes; " +
          'the test host runs in bubblewrap, beyond what `times` sees, so its own CPU time (`testHost.cpuMs` of --json) is added. ' +
          'The bound is depth × latency plus the measured test time, with the warm test host serialising test runs; ' +
          'the test time is measured apart from the build, in a --sandbox auto runner started in this process on the built repo: ' +
          `the ${nodes.length} intents' test runs one after another, summed. ` +
          'Stricter bound, one iteration: guard + type check + test run of one intent per level, as tryReply does them (tests and check overlapped), ' +
          `each after a ${LATENCY_MS} ms pause standing for the model (the test host boots its next threads then), median of 3 per level. ` +
          'The wall time cannot go below the CPU floor: with isolation, every test file gets a fresh worker thread, and every ' +
          'candidate a type check (~10 ms, without @types/node when it cannot change the verdict).',
      ],
    };
  },
};

type FakeServer = Awaited<ReturnType<typeof startModel>>;

/** `ainative build --json` under bash, whose `times` adds the CPU time of every process the build waited for. */
async function timedBuild(root: string, server: FakeServer, count: number): Promise<BuildSample> {
  const spawnedAt = Date.now();
  const script = '"$0" "$@"; code=$?; times >&2; exit $code';
  const run = await spawnTimed(
    'bash',
    ['-c', script, process.execPath, CLI_PATH, 'build', '--concurrency', String(CONCURRENCY), '--json'],
    {
      cwd: root,
      env: modelEnv(server),
      timeoutMs: 600_000,
    },
  );
  if (run.code !== 0) throw new Error(`build exited ${run.code}\n${run.stdout.slice(0, 2000)}\n${run.stderr.slice(-2000)}`);
  const report = JSON.parse(run.stdout) as { modules: BuiltModule[]; testHost?: { runs: number; ms: number; cpuMs?: number } };
  const built = report.modules;
  if (!report.testHost) throw new Error('build --json did not report testHost');
  const ok = built.filter((m) => m.status === 'built' && m.attempts === 1).length;
  if (ok !== count || server.requests.length !== count) {
    throw new Error(`expected ${count} modules built at the first attempt with as many requests, got ${ok} and ${server.requests.length}`);
  }
  const starts = server.requests.map((request) => request.startedAt);
  const ends = server.requests.map((request) => request.endedAt ?? request.startedAt);
  return {
    wall: run.ms,
    tests: report.testHost.ms,
    hostRuns: report.testHost.runs,
    cpu: childrenCpuMs(run.stderr) + (report.testHost.cpuMs ?? 0),
    hostCpu: report.testHost.cpuMs ?? 0,
    firstRequest: Math.min(...starts) - spawnedAt,
    afterLastReply: spawnedAt + run.ms - Math.max(...ends),
    maxConcurrent: server.maxConcurrent,
  };
}

/** The children's user and system time from the second line of bash's `times` (e.g. `0m1.234s 0m0.567s`). */
function childrenCpuMs(stderr: string): number {
  const lines = stderr.trim().split('\n');
  const children = lines.at(-1) ?? '';
  const times = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60_000 + Number(m[2]) * 1000);
  if (times.length !== 2) throw new Error(`could not read the CPU time from bash's times: ${children}`);
  return times[0]! + times[1]!;
}

/**
 * Test time apart from the build: one non-model iteration of one intent per level, as the loop does it, after a pause
 * like the model's; and every intent's test run, one after another, as a host that serialises runs would do them.
 */
async function testTimes(root: string, nodes: GraphNode[], modules: Map<string, string>) {
  const adapters = await loadAdapters();
  const runner = await adapters.createSandboxedRunner({
    root,
    configFile: false,
    sandbox: 'auto',
    runTimeoutMs: 60_000,
    env: process.env,
    hiddenPaths: [],
    onWarning: () => {},
  });
  const checker = adapters.createTsChecker({ root });
  const workspace = adapters.createFsWorkspace(root);
  const runTests = async (id: string) => {
    const result = await runner.run([`test/${id}.test.ts`], [`src/${id}.ts`]);
    if (result.passed !== 2 || result.failed !== 0) throw new Error(`tests of ${id} did not pass: ${JSON.stringify(result)}`);
  };
  try {
    const iterate = async (node: GraphNode) => {
      const module = `src/${node.id}.ts`;
      const code = modules.get(node.id)!;
      await new Promise((resolve) => setTimeout(resolve, LATENCY_MS));
      const start = process.hrtime.bigint();
      const unsafe = adapters.findUnsafeCode({ modulePath: module, code, protectedPaths: [], testDirs: ['test'], allow: [] });
      await workspace.write(module, code);
      const running = runTests(node.id);
      const problems = await checker.check(module, code, [`${node.id}(scale: number): number`]);
      await running;
      const ms = msSince(start);
      if (unsafe.length + problems.length > 0)
        throw new Error(`iteration of ${node.id} was not clean: ${JSON.stringify({ unsafe, problems })}`);
      return ms;
    };
    await iterate(nodes[0]!);
    const perLevel: number[] = [];
    for (let level = 0; level < DEPTH; level++) {
      const node = nodes[level * WIDTH]!;
      perLevel.push(summarize(await sample(() => iterate(node), { count: 3, warmup: 0, budgetMs: 10_000 })).median);
    }
    const start = process.hrtime.bigint();
    for (const node of nodes) await runTests(node.id);
    return { iteration: summarize(perLevel), serial: msSince(start) };
  } finally {
    await runner.close();
  }
}
