// Compatibility of ainative's confined test host with real test suites: every practice exercise of Exercism's
// TypeScript track, its reference solution judged by its own tests, in four modes (see modes.ts). Prints totals and
// every test that passes in a looser mode but not in a stricter one, grouped by cause; writes the raw data as JSON.
//
//   npm run build && node --import ./bench/register.mjs bench/compat/exercism.ts (<exercism/typescript checkout> | --probes)
//     [--limit N] [--only slug,slug] [--modes confined,unconfined,guard,plain] [--json out.json] [--timeout ms]
//     [--budget s] [--run-skipped] [--keep] [--verbose]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { msSince } from '../stats.js';
import { groupByCause, regressions, toOutcome, type ExerciseRecord } from './compare.js';
import { CANARY, layOut, readExercises, type LaidOut } from './exercises.js';
import { MODES, startMode, type Mode } from './modes.js';
import { PROBES } from './probes.js';

/** Per test and hook, as ainative's default. */
const TEST_TIMEOUT_MS = 10_000;
/** Longest one exercise's run may take in one mode before the bench gives up (10 minutes). */
const EXERCISE_BUDGET_MS = 600_000;

/** Stricter mode first, the mode it is compared against second. */
const COMPARISONS: Array<[Mode, Mode, string]> = [
  ['confined', 'unconfined', 'the compartment'],
  ['unconfined', 'guard', 'the lockdown'],
  ['guard', 'plain', 'the runtime guard'],
];

interface Options {
  /** The exercism/typescript checkout, or undefined to run the synthetic probes (probes.ts). */
  checkout?: string;
  modes: Mode[];
  only?: Set<string>;
  limit?: number;
  json: string;
  timeoutMs: number;
  budgetMs: number;
  runSkipped: boolean;
  keep: boolean;
  verbose: boolean;
}

/** What a run has measured so far; written out also when a run is abandoned. */
interface RunState {
  commit: string;
  records: ExerciseRecord[];
  startupMs: Partial<Record<Mode, number>>;
  /** Per mode: true when the canary's solution could not see `process` (see exercises.ts). */
  confined: Partial<Record<Mode, boolean>>;
  started: bigint;
  abandoned?: string;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<number> {
  const options = parseOptions();
  const all = options.checkout === undefined ? PROBES : readExercises(path.resolve(options.checkout));
  let exercises = all.filter((exercise) => !options.only || options.only.has(exercise.slug));
  if (options.limit !== undefined) exercises = exercises.slice(0, options.limit);
  const root = mkdtempSync(path.join(realpathSync(tmpdir()), 'ainative-compat-'));
  const cleanup = () => (options.keep ? log(`kept ${root}`) : rmSync(root, { recursive: true, force: true }));
  const state: RunState = {
    commit: options.checkout === undefined ? 'synthetic probes (bench/compat/probes.ts)' : commitOf(options.checkout),
    records: exercises.map((exercise) => ({ slug: exercise.slug, imports: exercise.imports, modes: {} })),
    startupMs: {},
    confined: {},
    started: process.hrtime.bigint(),
  };
  log(`${state.commit}: ${exercises.length} exercises under ${root}`);
  // vitest cannot stop a synchronous loop in a test, nor can its runner be closed during a run: past the budget, the
  // bench reports what it has and exits, which ends the worker threads too.
  const abandon = (what: string) => {
    state.abandoned = what;
    log(`abandoning the run: ${what}`);
    void finish(options, state).finally(() => {
      cleanup();
      process.exit(2);
    });
  };
  try {
    const laid = await layOut(root, exercises, options.runSkipped);
    const [canary] = await layOut(root, [CANARY]);
    for (const mode of options.modes) await runMode(mode, root, laid, canary!, options, state, abandon);
  } finally {
    cleanup();
  }
  await finish(options, state);
  return 0;
}

function parseOptions(): Options {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      limit: { type: 'string' },
      only: { type: 'string' },
      modes: { type: 'string', default: MODES.join(',') },
      json: { type: 'string', default: path.join(tmpdir(), 'ainative-compat-exercism.json') },
      timeout: { type: 'string', default: String(TEST_TIMEOUT_MS) },
      budget: { type: 'string', default: String(EXERCISE_BUDGET_MS / 1000) },
      'run-skipped': { type: 'boolean', default: false },
      probes: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
    },
  });
  const checkout = values.probes ? undefined : positionals[0];
  if (!checkout && !values.probes)
    throw new Error(
      `usage: exercism.ts (<exercism/typescript checkout> | --probes) [--limit N] [--only a,b] [--modes ${MODES.join(',')}] [--json file] [--timeout ms] [--budget s] [--run-skipped] [--keep] [--verbose]`,
    );
  const modes = values.modes.split(',') as Mode[];
  for (const mode of modes) if (!MODES.includes(mode)) throw new Error(`unknown mode ${mode}; modes: ${MODES.join(', ')}`);
  return {
    ...(checkout ? { checkout } : {}),
    modes,
    ...(values.only ? { only: new Set(values.only.split(',')) } : {}),
    ...(values.limit ? { limit: Number(values.limit) } : {}),
    json: values.json,
    timeoutMs: Number(values.timeout),
    budgetMs: Number(values.budget) * 1000,
    runSkipped: values['run-skipped'],
    keep: values.keep,
    verbose: values.verbose,
  };
}

/** Every exercise's tests in one warm runner of `mode`, one test file per run. */
async function runMode(
  mode: Mode,
  root: string,
  laid: LaidOut[],
  canary: LaidOut,
  options: Options,
  state: RunState,
  abandon: (what: string) => void,
): Promise<void> {
  const start = process.hrtime.bigint();
  const runner = await startMode(mode, {
    root,
    exercises: [canary, ...laid],
    testTimeoutMs: options.timeoutMs,
    log: options.verbose ? log : () => {},
  });
  state.startupMs[mode] = Math.round(msSince(start));
  try {
    state.confined[mode] = (await runner.run(canary.testFile)).passed === 1;
    for (const [i, exercise] of laid.entries()) {
      const watchdog = setTimeout(
        () => abandon(`[${mode}] ${exercise.slug} still running after ${options.budgetMs / 1000} s`),
        options.budgetMs,
      );
      const begin = process.hrtime.bigint();
      try {
        const outcome = toOutcome(await runner.run(exercise.testFile), msSince(begin));
        state.records[i]!.modes[mode] = outcome;
        const fileError = outcome.fileErrors[0]?.split('\n')[0];
        log(
          `[${mode}] ${exercise.slug}: ${outcome.passed}/${outcome.collected} in ${outcome.ms} ms${fileError ? ` (file error: ${fileError})` : ''}`,
        );
      } finally {
        clearTimeout(watchdog);
      }
    }
  } finally {
    await runner.close();
  }
  log(`[${mode}] done in ${(msSince(start) / 1000).toFixed(1)} s (startup ${state.startupMs[mode]} ms)`);
}

/** Prints the report and writes the raw records as JSON. */
async function finish(options: Options, state: RunState): Promise<void> {
  const totalMs = msSince(state.started);
  process.stdout.write(report(state, options.modes, totalMs));
  const { started: _started, ...data } = state;
  await writeFile(
    options.json,
    `${JSON.stringify({ ...data, date: new Date().toISOString(), node: process.version, totalMs: Math.round(totalMs) }, null, 2)}\n`,
  );
  log(`wrote ${options.json}`);
}

function commitOf(checkout: string): string {
  try {
    return execFileSync('git', ['-C', checkout, 'rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown commit (not a git checkout)';
  }
}

/** The printed report: totals per mode, then each comparison's regressions grouped by cause. */
function report(state: RunState, modes: Mode[], totalMs: number): string {
  const { commit, records, startupMs } = state;
  const lines = [
    `${commit.startsWith('synthetic') ? commit : `exercism/typescript ${commit}`}, ${records.length} exercises, ${(totalMs / 1000).toFixed(0)} s in all`,
    '',
  ];
  if (state.abandoned) lines.push(`ABANDONED: ${state.abandoned}`, '');
  lines.push(
    '| mode | module confined | exercises green | tests collected | passed | failed | skipped | file errors | run time s (startup ms) |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  for (const mode of modes) {
    const outcomes = records.map((record) => record.modes[mode]).filter((outcome) => outcome !== undefined);
    const sum = (pick: (outcome: (typeof outcomes)[number]) => number) => outcomes.reduce((total, outcome) => total + pick(outcome), 0);
    const green = outcomes.filter((outcome) => outcome.passed > 0 && outcome.failed === 0 && outcome.fileErrors.length === 0).length;
    const seconds = (sum((outcome) => outcome.ms) / 1000).toFixed(1);
    const confined = state.confined[mode] === undefined ? '?' : state.confined[mode] ? 'yes' : 'no';
    lines.push(
      `| ${mode} | ${confined} | ${green}/${outcomes.length} | ${sum((o) => o.collected)} | ${sum((o) => o.passed)} | ${sum((o) => o.failed)} | ${sum((o) => o.skipped)} | ${sum((o) => o.fileErrors.length)} | ${seconds} (${startupMs[mode]}) |`,
    );
  }
  for (const [strict, loose, what] of COMPARISONS) {
    if (!modes.includes(strict) || !modes.includes(loose)) continue;
    const found = regressions(records, strict, loose);
    lines.push('', `## ${strict} vs ${loose} (what ${what} breaks): ${found.length} tests`);
    for (const group of groupByCause(found)) {
      lines.push(`- ${group.tests} tests, ${group.exercises.length} exercises — ${group.cause}: ${group.exercises.join(', ')}`);
      lines.push(
        `    e.g. ${group.example.slug} › ${group.example.test}: ${group.example.message.split('\n').slice(0, 3).join(' ⏎ ').slice(0, 300)}`,
      );
    }
  }
  if (modes.includes('plain')) {
    const failing = records.filter((record) => (record.modes.plain?.failed ?? 0) > 0 || (record.modes.plain?.fileErrors.length ?? 0) > 0);
    lines.push('', `## plain vitest: ${failing.length} exercises not green (the track's own tests under vitest)`);
    for (const record of failing) {
      const outcome = record.modes.plain!;
      const first = outcome.failures[0]?.message ?? outcome.fileErrors[0] ?? '';
      lines.push(
        `- ${record.slug}: ${outcome.failed} failed, ${outcome.fileErrors.length} file errors — ${first.split('\n')[0]!.slice(0, 200)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
