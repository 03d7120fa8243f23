// Scenario 1: one feedback iteration without the model, ainative's warm in-process path against a --test-cmd
// style `vitest run` + `tsc --noEmit` spawned per iteration.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { loadAdapters, TSC_CLI, TYPE_ROOT, VITEST_CLI } from '../dist.js';
import { CART_GREEN, CART_INTENT, CART_RED, CART_TEST } from '../fixtures/cart.js';
import { createRepo, type TempSpace } from '../repos.js';
import type { Scenario, ScenarioResult } from '../scenario.js';
import { spawnTimed } from '../spawn.js';
import { cliEnv } from '../../test/helpers/run-cli.js';
import { msSince, sample, summarize, single } from '../stats.js';
import { row } from '../table.js';

type Adapters = Awaited<ReturnType<typeof loadAdapters>>;

const MODULE = 'src/cart.ts';
const TEST = 'test/cart.test.ts';
const EXPORTS = [
  'interface CartLine',
  'addItem(cart: CartLine[], sku: string, priceCents: number, quantity?: number): CartLine[]',
  'subtotal(cart: CartLine[]): number',
  'applyDiscount(cents: number, percent: number): number',
  'total(cart: CartLine[], discountPercent: number, taxRate: number): number',
];
const NAME = '1 feedback iteration';
/**
 * Untimed pause before each iteration, standing for the model's reply: the build tells the test host a test file will
 * follow as the request goes out, and the host boots its thread meanwhile. 300 ms is a fast reply (scenario 3's).
 */
const MODEL_MS = 300;

/** Red on even iterations, green on odd ones, so consecutive runs always differ. */
const codeFor = (i: number) => (Math.abs(i) % 2 === 0 ? CART_RED : CART_GREEN);

export const feedbackLoop: Scenario = {
  key: 'loop',
  title: 'One feedback iteration without the model',
  async run(space, log) {
    const files = { 'intents/cart.intent.md': CART_INTENT, [TEST]: CART_TEST, [MODULE]: CART_GREEN };
    const adapters = await loadAdapters();
    const warm: Record<string, Warm> = {};
    // The product's path (auto, module confined), the same without confinement, without an OS sandbox, and with no
    // model time in which to boot the next test thread.
    for (const [key, sandbox, confined, modelMs] of [
      ['auto', 'auto', true, MODEL_MS],
      ['shared', 'auto', false, MODEL_MS],
      ['off', 'off', true, MODEL_MS],
      ['backToBack', 'auto', true, 0],
    ] as const) {
      const { root } = await createRepo(space, `loop-${key}`, files);
      log(`  warm path, sandbox ${sandbox}, module ${confined ? 'confined' : 'shared'}, ${modelMs} ms model`);
      warm[key] = await measureWarm(adapters, root, { sandbox, confined, modelMs });
    }
    const { root: baseRoot } = await createRepo(space, 'loop-spawned', files);
    log('  spawned vitest run + tsc --noEmit');
    const spawned = await measureSpawned(space, baseRoot);
    return report(warm, spawned);
  },
};

interface Warm {
  samples: number[];
  check: number[];
  tests: number[];
  tier: string;
}

interface WarmSetup {
  sandbox: 'auto' | 'off';
  confined: boolean;
  /** Untimed wait before each iteration, after telling the runner a test file will follow (see MODEL_MS). */
  modelMs: number;
}

async function measureWarm(adapters: Adapters, root: string, { sandbox, confined, modelMs }: WarmSetup): Promise<Warm> {
  const checker = adapters.createTsChecker({ root });
  const workspace = adapters.createFsWorkspace(root);
  const guarded = adapters.createProtectedFiles(root, ['intents/cart.intent.md', TEST]);
  const runner = await adapters.createSandboxedRunner({
    root,
    configFile: false,
    sandbox,
    runTimeoutMs: 60_000,
    env: process.env,
    hiddenPaths: [],
    onWarning: () => {},
    confinement: confined ? { modules: [{ module: MODULE, allow: [] }], denied: ['intents/cart.intent.md', TEST] } : undefined,
  });
  const check: number[] = [];
  const tests: number[] = [];
  try {
    const samples = await sample(
      async (i) => {
        const code = codeFor(i);
        if (modelMs > 0) {
          runner.expect(1);
          await delay(modelMs);
        }
        const start = process.hrtime.bigint();
        // The same steps, in the same order, as an attempt of the engine in src/core/agent/engine.ts.
        const unsafe = adapters.findUnsafeCode({ modulePath: MODULE, code, protectedPaths: [TEST], testDirs: ['test'], allow: [] });
        const typeProblems = await checker.check(MODULE, code, EXPORTS);
        const checked = process.hrtime.bigint();
        await workspace.write(MODULE, code);
        const before = await guarded.snapshot();
        const ran = process.hrtime.bigint();
        const result = await runner.run([TEST], [MODULE]);
        const testMs = msSince(ran);
        await guarded.restoreChanged(before);
        const feedback = adapters.summarizeFailures({ modulePath: MODULE, typeProblems, unsafe, tests: result });
        const ms = msSince(start);
        assertOutcome(code, typeProblems.length + unsafe.length, result, feedback);
        if (i >= 0) {
          check.push(Number(checked - start) / 1e6);
          tests.push(testMs);
        }
        return ms;
      },
      { count: 21, warmup: 2, budgetMs: 20_000 },
    );
    return { samples, check, tests, tier: runner.tier };
  } finally {
    await runner.close();
  }
}

/** Every iteration must really rerun: red shows its two failures in the feedback, green passes all five. */
function assertOutcome(
  code: string,
  problems: number,
  result: { passed: number; failed: number; collected: number },
  feedback: string,
): void {
  if (problems > 0) throw new Error(`the cart module should type-check cleanly:\n${feedback}`);
  const red = code === CART_RED;
  const ok = red
    ? result.failed === 2 && result.passed === 3 && feedback.includes('Failing tests (2 of 5)')
    : result.passed === 5 && result.failed === 0;
  if (!ok || result.collected !== 5) throw new Error(`unexpected ${red ? 'red' : 'green'} run: ${JSON.stringify(result)}\n${feedback}`);
}

/** Both spawned baselines per iteration: minimal and like-for-like differ only in the tsconfig. */
interface Spawned {
  minimal: number[];
  alike: number[];
}

/**
 * Per iteration: write the module, then `vitest run <file>` and `tsc --noEmit -p`, as a --test-cmd would. tsc runs
 * twice per iteration: with @types/node loaded, as ainative's checker has it (ainative first checks without it and
 * keeps that verdict only when @types/node could not change it, so its verdicts are those of this tsc), and with no
 * @types at all (the cheapest check tsc can do, which flatters the baseline). Both check only the module.
 */
async function measureSpawned(space: TempSpace, root: string): Promise<Spawned> {
  const options = {
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'Bundler',
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    lib: ['ES2023'],
    allowImportingTsExtensions: true,
  };
  const files = [path.join(root, MODULE)];
  const minimalConfig = path.join(space.base, 'tsconfig.minimal.json');
  const alikeConfig = path.join(space.base, 'tsconfig.alike.json');
  await writeFile(minimalConfig, JSON.stringify({ compilerOptions: { ...options, types: [] }, files }));
  await writeFile(alikeConfig, JSON.stringify({ compilerOptions: { ...options, types: ['node'], typeRoots: [TYPE_ROOT] }, files }));
  // vitest looks for a config up the folder tree: one of its own in the repo keeps a stray config above it out.
  const vitestConfig = path.join(space.base, 'vitest.bench.config.mjs');
  await writeFile(vitestConfig, 'export default {};\n');
  const env = cliEnv();
  const result: Spawned = { minimal: [], alike: [] };
  const tsc = async (config: string) => {
    const run = await spawnTimed(process.execPath, [TSC_CLI, '--noEmit', '-p', config], { cwd: root, env, timeoutMs: 60_000 });
    if (run.code !== 0) throw new Error(`tsc -p ${config} exited ${run.code}:\n${run.stdout.slice(-1500)}`);
    return run.ms;
  };
  await sample(
    async (i) => {
      const code = codeFor(i);
      const start = process.hrtime.bigint();
      await writeFile(path.join(root, MODULE), code);
      const vitest = await spawnTimed(process.execPath, [VITEST_CLI, 'run', TEST, '--root', root, '--config', vitestConfig], {
        cwd: root,
        env,
        timeoutMs: 60_000,
      });
      const common = msSince(start);
      if (vitest.code !== (code === CART_RED ? 1 : 0)) {
        throw new Error(`spawned vitest exited ${vitest.code}:\n${vitest.stdout.slice(-1500)}${vitest.stderr.slice(-800)}`);
      }
      const alike = common + (await tsc(alikeConfig));
      const minimal = common + (await tsc(minimalConfig));
      if (i >= 0) {
        result.alike.push(alike);
        result.minimal.push(minimal);
      }
      return alike;
    },
    { count: 7, warmup: 1, budgetMs: 30_000 },
  );
  return result;
}

function report(warm: Record<string, Warm>, spawned: Spawned): ScenarioResult {
  const auto = summarize(warm.auto!.samples);
  const shared = summarize(warm.shared!.samples);
  const off = summarize(warm.off!.samples);
  const confinement = auto.median / shared.median;
  const alike = summarize(spawned.alike);
  const minimal = summarize(spawned.minimal);
  const ratio = alike.median / auto.median;
  const minimalRatio = minimal.median / auto.median;
  const autoLabel = warm.auto!.tier === 'bwrap' ? 'bwrap' : "Node's permission model, no bwrap here";
  return {
    rows: [
      row(NAME, `ainative warm path, --sandbox auto (${autoLabel}), module confined`, 'ms', auto, '≤ 200 ms', auto.median <= 200),
      row(NAME, '  of which guard + ts-morph check', 'ms', summarize(warm.auto!.check)),
      row(NAME, '  of which vitest rerun in the host', 'ms', summarize(warm.auto!.tests)),
      row(NAME, 'the same, module not confined (isolation: shared)', 'ms', shared),
      row(NAME, 'confinement: confined / not confined', 'x', single(confinement), '≤ 1.25×', confinement <= 1.25),
      row(NAME, 'ainative warm path, --sandbox off, module confined', 'ms', off, '≤ 200 ms', off.median <= 200),
      row(
        NAME,
        'the --sandbox auto path back to back: no model time to boot the test thread ahead',
        'ms',
        summarize(warm.backToBack!.samples),
      ),
      row(NAME, 'spawned `vitest run` + `tsc --noEmit` (@types/node: the verdicts ainative gives)', 'ms', alike),
      row(NAME, 'spawned `vitest run` + `tsc --noEmit` (no @types)', 'ms', minimal),
      row(NAME, 'speed-up: spawned (@types/node) / warm auto', 'x', single(ratio), '≥ 10×', ratio >= 10),
      row(NAME, 'speed-up: spawned (no @types) / warm auto', 'x', single(minimalRatio)),
    ],
    notes: [
      'Scenario 1: a 5-test cart module, alternating a red (2 failing) and a green version so every iteration reruns; ' +
        'the warm path is guard + ts-morph check + write + protected-file snapshot + vitest rerun + restore check + summarizeFailures, ' +
        `from dist/ in this process, after 2 warm-up iterations. Before each iteration, untimed, the runner is told a test file will follow ` +
        `and the bench waits ${MODEL_MS} ms, as the host boots the next test thread while the model answers; the back-to-back row skips that. The spawned baseline writes the module, runs \`node vitest.mjs run <file> --root <repo>\` ` +
        'and `node tsc --noEmit -p` on a tsconfig listing only the module, after 1 warm-up; tsc once with the compiler settings ' +
        "of ainative's checker (@types/node loaded) and once with `types: []`, each added to the same vitest run. ainative's " +
        'check runs without @types/node first and keeps that verdict only when the module, everything it imports and no package ' +
        "could have needed Node's types; so it reaches the verdicts of the first tsc at about the cost of the second.",
    ],
  };
}
