import { summarizeFailures, type AttemptFailure } from './feedback.js';
import type { Intent } from '../project/intent.js';
import type { CodeGuard, TestRunResult, TypeChecker, TypeProblem } from '../ports.js';
import { buildMessages, type PromptTemplates, type ShownFile, type UsedApi } from './prompt.js';
import {
  runAttempts,
  tamperMessage,
  type AttemptStage,
  type GuardedRun,
  type Judgement,
  type LoopContext,
  type LoopTotals,
} from './engine.js';
import { countProblem, testsDeclareSkips } from './test-count.js';

/** The build strategy's own inputs, on top of what every loop runs with. */
export interface BuildLoopOptions extends LoopContext {
  intent: Intent;
  templates: PromptTemplates;
  usedApis: UsedApi[];
  tests: ShownFile[];
  /** Holdout test sources are never shown; only used to know whether they skip tests themselves. */
  holdoutSources: string[];
  /** Put above the module so readers know it is generated and from where. */
  header: string;
  /** Tests collected in the intent's test files at the last green build, when those files have not changed since. */
  expectedTests?: number;
  checker: TypeChecker;
  guard: CodeGuard;
}

/** A built module always has its content; a failed or overfit one always has the feedback of its last attempt. */
export type BuildLoopResult = LoopTotals &
  (
    | {
        status: 'built';
        /** The module as written to disk, header included. */
        content: string;
        /** Tests collected in the visible test files by the green run. */
        collected: number;
      }
    | {
        /** `overfit`: the visible tests passed but hidden holdout tests did not. */
        status: 'failed' | 'overfit';
        feedback: string;
      }
  );

interface GreenModule {
  content: string;
  collected: number;
}

interface BuildState {
  /** Tests the visible files collect; a run collecting fewer lost some. */
  baseline: number | undefined;
  skipsDeclared: boolean;
  overfit: boolean;
}

/** Writes, checks and tests candidates until the intent's tests pass or attempts run out. Leaves the last candidate on disk. */
export async function runBuildLoop(options: BuildLoopOptions): Promise<BuildLoopResult> {
  const { intent } = options;
  const state: BuildState = {
    baseline: options.expectedTests,
    skipsDeclared: testsDeclareSkips(options.tests.map((file) => file.content)),
    overfit: false,
  };
  const result = await runAttempts<GreenModule>(
    {
      task: 'module',
      path: intent.module,
      // Each candidate runs its tests, and its holdout tests once those pass.
      testFilesPerCandidate: intent.tests.length + intent.holdout.length,
      messages: (previous) => buildMessages({ ...options, previous }),
      judge: (code, run) => judgeModule(options, state, code, run),
    },
    { ...options, id: intent.id },
  );
  const { attempts, tokens, tests, replies } = result;
  if (result.status === 'succeeded') return { status: 'built', ...result.value, attempts, tokens, tests, replies };
  return { status: state.overfit ? 'overfit' : 'failed', feedback: result.feedback, attempts, tokens, tests, replies };
}

/** Guard, write, type-check while the tests run, then the holdout tests: green only when all of it passes. */
async function judgeModule(
  options: BuildLoopOptions,
  state: BuildState,
  modelCode: string,
  run: GuardedRun,
): Promise<Judgement<GreenModule>> {
  const modulePath = options.intent.module;
  const code = stripHeader(modelCode, options.header);
  const reject = (stage: AttemptStage, failure: Partial<AttemptFailure>, ran?: TestRunResult, written?: string): Judgement<GreenModule> => {
    const feedback = summarizeFailures({ modulePath, typeProblems: [], ...failure, tests: ran });
    // Only a candidate that got as far as its check counts its type errors; the others rank below it.
    const typeErrors = ran || stage === 'types' ? failure.typeProblems?.length : undefined;
    return { ok: false, stage, code, written, tests: ran, feedback, rank: moduleRank(stage, ran, typeErrors, code) };
  };
  const unsafe = await options.guard.inspect(options.intent, code);
  if (unsafe.length > 0) return reject('guard', { note: 'The module was rejected before it ran.', unsafe });
  const content = options.header + code;
  await options.workspace.write(modulePath, content);
  // The tests run in another process while the type check runs here; the check needs only the text.
  const running = run(options.intent.tests, [modulePath]);
  // Handled below; without this a run rejected (runner closed by Ctrl-C) while the check is going would crash the process.
  running.catch(() => {});
  // The header is one comment line; checking without it keeps line numbers the same as the code the model wrote.
  let typeProblems: TypeProblem[];
  try {
    typeProblems = await options.checker.check(modulePath, code, options.intent.exports);
  } catch (error) {
    // The run must be over, and the protected files checked, before the error leaves the loop.
    await running.catch(() => {});
    throw error;
  }
  const { tests, tampered } = await running;
  // Syntax errors: the tests could not even load the module, so their results add nothing.
  if (typeProblems.some((found) => /^TS1\d{3}:/.test(found.message))) return reject('types', { typeProblems });
  if (tampered.length > 0) return reject('tests', { note: tamperMessage(tampered), typeProblems });
  if (tests.fileErrors.length === 0) state.baseline = Math.max(state.baseline ?? 0, tests.collected);
  const counted =
    tests.failed === 0 && tests.fileErrors.length === 0 ? countProblem(tests, state.baseline, state.skipsDeclared) : undefined;
  const visibleGreen = typeProblems.length === 0 && tests.failed === 0 && tests.fileErrors.length === 0 && tests.passed > 0 && !counted;
  if (!visibleGreen) return reject(typeProblems.length > 0 ? 'types' : 'tests', { typeProblems, note: counted }, tests, content);
  const hidden = await runHoldout(options, run);
  if (hidden) {
    state.overfit = true;
    return { ok: false, stage: 'holdout', code, written: content, tests, feedback: hidden, rank: moduleRank('holdout', tests, 0, code) };
  }
  return {
    ok: true,
    value: { content, collected: tests.collected },
    stage: 'tests',
    code,
    written: content,
    tests,
    rank: moduleRank('tests', tests, 0, code),
  };
}

/** Best-of-n order: visible-green (hidden tests failing) first, then most tests passed, fewest type errors, shortest code. */
function moduleRank(stage: AttemptStage, tests: TestRunResult | undefined, typeErrors: number | undefined, code: string): number[] {
  return [stage === 'holdout' ? 0 : 1, -(tests?.passed ?? -1), typeErrors ?? Number.MAX_SAFE_INTEGER, code.length];
}

/** Feedback when hidden tests fail: only how many, never which, so they cannot be fitted. */
async function runHoldout(options: BuildLoopOptions, run: GuardedRun): Promise<string | undefined> {
  if (options.intent.holdout.length === 0) return undefined;
  const { tests, tampered } = await run(options.intent.holdout, [options.intent.module]);
  if (tampered.length > 0) return tamperMessage(tampered);
  const skipped = tests.skipped > 0 && !testsDeclareSkips(options.holdoutSources);
  if (tests.failed === 0 && tests.fileErrors.length === 0 && tests.passed > 0 && !skipped) return undefined;
  const failed = Math.max(tests.failed + (skipped ? tests.skipped : 0), tests.fileErrors.length > 0 ? 1 : 0, 1);
  return `The visible tests pass, but ${failed} hidden test${failed === 1 ? '' : 's'} failed. The hidden tests check the behaviour the intent describes: implement it for every input, not only for the values the visible tests use.`;
}

/** Models sometimes echo the generated-file header back; keep exactly one. */
function stripHeader(code: string, header: string): string {
  let result = code;
  const first = header.trim();
  while (first && result.trimStart().startsWith(first))
    result = result
      .trimStart()
      .slice(first.length)
      .replace(/^\r?\n/, '');
  return result;
}
