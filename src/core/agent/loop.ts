import { summarizeFailures, type AttemptFailure } from './feedback.js';
import type { Intent } from '../project/intent.js';
import type { ChatMessage, CodeGuard, ModelClient, ModelReply, ProtectedFiles, TestRunResult, TestRunner, TokenUsage, TypeChecker, TypeProblem, Workspace } from '../ports.js';
import { buildMessages, formatCodeReply, type PreviousAttempt, type PromptTemplates, type ShownFile, type UsedApi } from './prompt.js';
import { parseReply } from './reply.js';
import { countProblem, testsDeclareSkips } from './test-count.js';

/** What happened in one attempt, for the reporter. */
export interface AttemptReport {
  id: string;
  attempt: number;
  maxAttempts: number;
  /** `reply` = unusable reply, `guard` = unsafe code, `types` = type errors, `tests` = tests ran, `holdout` = hidden tests failed. */
  stage: 'reply' | 'guard' | 'types' | 'tests' | 'holdout';
  green: boolean;
  tests: { passed: number; failed: number };
  tokens: TokenUsage;
}

/** Spends tokens against the build's budget; throws (stopping the build) once it is used up. */
export interface TokenBudget {
  check(): void;
  spend(usage: TokenUsage): void;
}

export interface BuildLoopOptions {
  intent: Intent;
  templates: PromptTemplates;
  usedApis: UsedApi[];
  tests: ShownFile[];
  /** Holdout test sources are never shown; only used to know whether they skip tests themselves. */
  holdoutSources: string[];
  maxAttempts: number;
  /** Put above the module so readers know it is generated and from where. */
  header: string;
  /** Tests collected in the intent's test files at the last green build, when those files have not changed since. */
  expectedTests?: number;
  model: ModelClient;
  checker: TypeChecker;
  guard: CodeGuard;
  protectedFiles: ProtectedFiles;
  runner: TestRunner;
  workspace: Workspace;
  budget?: TokenBudget;
  /** Best-of-n: candidates asked for per attempt; the one passing the most tests is kept. */
  samples?: number;
  onAttemptStart?: (attempt: number) => void;
  onAttempt?: (report: AttemptReport) => void;
  signal?: AbortSignal;
}

export interface BuildLoopResult {
  /** `overfit`: the visible tests passed but hidden holdout tests did not. */
  status: 'built' | 'failed' | 'overfit';
  attempts: number;
  tokens: TokenUsage;
  tests: { passed: number; failed: number };
  /** Tests collected in the visible test files by the green run. */
  collected?: number;
  /** The module as written to disk (header included) when built. */
  content?: string;
  /** Feedback of the last failed attempt, when not built. */
  lastFeedback?: string;
}

/** Writes, checks and tests candidates until the intent's tests pass or attempts run out. Leaves the last candidate on disk. */
export async function runBuildLoop(options: BuildLoopOptions): Promise<BuildLoopResult> {
  const { intent, maxAttempts } = options;
  const tokens: TokenUsage = { prompt: 0, completion: 0 };
  const state: LoopState = { baseline: options.expectedTests, skipsDeclared: testsDeclareSkips(options.tests.map((file) => file.content)), overfit: false };
  let tests = { passed: 0, failed: 0 };
  let previous: PreviousAttempt | undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    options.signal?.throwIfAborted();
    options.budget?.check();
    options.onAttemptStart?.(attempt);
    const messages = buildMessages({ ...options, previous });
    const samples = Math.max(1, options.samples ?? 1);
    // Each candidate runs its tests (and holdout tests once they pass): the runner may get ready while the model answers.
    const expected = samples * (intent.tests.length + intent.holdout.length);
    const runner = countingRunner(options.runner);
    options.runner.expect?.(expected);
    let picked: { reply: ModelReply; outcome: AttemptOutcome };
    try {
      const replies = await askCandidates(options.model, messages, samples, options.signal);
      for (const reply of replies) {
        tokens.prompt += reply.usage.prompt;
        tokens.completion += reply.usage.completion;
        options.budget?.spend(reply.usage);
      }
      picked = await bestOf({ ...options, runner }, replies, state);
    } finally {
      // What the attempt did not run (an unusable reply, a rejected candidate, a spent budget) is not coming.
      if (runner.files < expected) options.runner.expect?.(runner.files - expected);
    }
    const { reply, outcome } = picked;
    options.signal?.throwIfAborted();
    if (outcome.tests) tests = { passed: outcome.tests.passed, failed: outcome.tests.failed + outcome.tests.fileErrors.length };
    options.onAttempt?.({ id: intent.id, attempt, maxAttempts, stage: outcome.stage, green: outcome.green, tests, tokens: { ...tokens } });
    if (outcome.green) return { status: 'built', attempts: attempt, tokens, tests, collected: outcome.tests?.collected, content: outcome.content };
    const shown = outcome.code ? formatCodeReply(intent.module, outcome.code) : reply.content || '(empty reply)';
    previous = { attempt, reply: shown, feedback: outcome.feedback! };
  }
  return { status: state.overfit ? 'overfit' : 'failed', attempts: maxAttempts, tokens, tests, lastFeedback: previous?.feedback };
}

/**
 * Best-of-n candidates: the first at temperature 0, the others in one request with the API's `n` where the model
 * offers it, and one request each for whatever that did not bring (providers that ignore or refuse `n`).
 */
async function askCandidates(model: ModelClient, messages: ChatMessage[], samples: number, signal: AbortSignal | undefined): Promise<ModelReply[]> {
  const first = model.complete(messages, { signal, sample: 0 });
  if (samples === 1) return [await first];
  // Both requests are out before either is awaited; a failure of one must not go unhandled meanwhile.
  first.catch(() => {});
  const extras = samples - 1;
  const together = model.completeMany ? await model.completeMany(messages, extras, { signal }) : [];
  const alone = Array.from({ length: extras - Math.min(together.length, extras) }, (_, i) =>
    model.complete(messages, { signal, sample: together.length + i + 1 }),
  );
  return [await first, ...together.slice(0, extras), ...(await Promise.all(alone))];
}

/** The runner, counting the test files it was asked to run. */
function countingRunner(runner: TestRunner): TestRunner & { files: number } {
  const counting = {
    files: 0,
    run(files: string[], changed: string[]) {
      counting.files += files.length;
      return runner.run(files, changed);
    },
    close: () => runner.close(),
  };
  return counting;
}

interface LoopState {
  /** Tests the visible files collect; a run collecting fewer lost some. */
  baseline: number | undefined;
  skipsDeclared: boolean;
  overfit: boolean;
}

/**
 * Tries every candidate and keeps the best: green first, then visible-green (hidden tests failing), then the most
 * tests passed, then the fewest type errors, then the shortest code. The best one is left on disk.
 */
async function bestOf(options: BuildLoopOptions, replies: ModelReply[], state: LoopState): Promise<{ reply: ModelReply; outcome: AttemptOutcome }> {
  const tried: Array<{ reply: ModelReply; outcome: AttemptOutcome }> = [];
  for (const reply of replies) tried.push({ reply, outcome: await tryReply(options, reply, state) });
  if (tried.length === 1) return tried[0]!;
  const score = ({ outcome }: { outcome: AttemptOutcome }) => [
    outcome.green ? 0 : 1,
    outcome.stage === 'holdout' ? 0 : 1,
    -(outcome.tests?.passed ?? -1),
    outcome.typeErrors ?? Number.MAX_SAFE_INTEGER,
    outcome.code?.length ?? Number.MAX_SAFE_INTEGER,
  ];
  const compare = (a: number[], b: number[]) => a.reduce((found, value, i) => found || value - b[i]!, 0);
  const best = tried.reduce((winner, candidate) => (compare(score(candidate), score(winner)) < 0 ? candidate : winner));
  // The last candidate tried is on disk; the winner must be what stays there.
  if (best !== tried.at(-1) && best.outcome.content) await options.workspace.write(options.intent.module, best.outcome.content);
  return best;
}

interface AttemptOutcome {
  stage: AttemptReport['stage'];
  green: boolean;
  /** Type problems found in the candidate, when it got that far. */
  typeErrors?: number;
  code?: string;
  content?: string;
  tests?: TestRunResult;
  feedback?: string;
}

async function tryReply(options: BuildLoopOptions, reply: ModelReply, state: LoopState): Promise<AttemptOutcome> {
  const modulePath = options.intent.module;
  const problem = replyProblem(reply);
  const parsed = problem ? { ok: false as const, reason: problem } : parseReply(reply.content, modulePath);
  if (!parsed.ok) return reject('reply', undefined, { replyProblem: parsed.reason });
  const code = stripHeader(parsed.code, options.header);
  const unsafe = await options.guard.inspect(options.intent, code);
  if (unsafe.length > 0) return reject('guard', code, { note: 'The module was rejected before it ran.', unsafe });
  const content = options.header + code;
  await options.workspace.write(modulePath, content);
  // The tests run in another process while the type check runs here; the check needs only the text.
  const running = guardedRun(options, options.intent.tests);
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
  const run = await running;
  // Syntax errors: the tests could not even load the module, so their results add nothing.
  if (typeProblems.some((found) => /^TS1\d{3}:/.test(found.message))) return { ...reject('types', code, { typeProblems }), typeErrors: typeProblems.length };
  if (run.tampered.length > 0) return reject('tests', code, { note: tamperMessage(run.tampered), typeProblems });
  const tests = run.tests;
  if (tests.fileErrors.length === 0) state.baseline = Math.max(state.baseline ?? 0, tests.collected);
  const counted = tests.failed === 0 && tests.fileErrors.length === 0 ? countProblem(tests, state.baseline, state.skipsDeclared) : undefined;
  const visibleGreen = typeProblems.length === 0 && tests.failed === 0 && tests.fileErrors.length === 0 && tests.passed > 0 && !counted;
  if (!visibleGreen) {
    return { ...reject(typeProblems.length > 0 ? 'types' : 'tests', code, { typeProblems, note: counted }, tests, content), typeErrors: typeProblems.length };
  }
  const hidden = await runHoldout(options);
  if (hidden) {
    state.overfit = true;
    return { stage: 'holdout', green: false, code, content, tests, feedback: hidden, typeErrors: 0 };
  }
  return { stage: 'tests', green: true, code, content, tests, typeErrors: 0 };

  function reject(stage: AttemptOutcome['stage'], rejected: string | undefined, failure: Partial<AttemptFailure>, ran?: TestRunResult, written?: string): AttemptOutcome {
    const feedback = summarizeFailures({ modulePath, typeProblems: [], ...failure, tests: ran });
    return { stage, green: false, code: rejected, content: written, tests: ran, feedback };
  }
}

/** Runs tests between two snapshots of the protected files; anything the run changed is put back. */
async function guardedRun(options: BuildLoopOptions, files: string[]): Promise<{ tests: TestRunResult; tampered: string[] }> {
  const before = await options.protectedFiles.snapshot();
  const tests = await options.runner.run(files, [options.intent.module]);
  const tampered = await options.protectedFiles.restoreChanged(before);
  return { tests, tampered };
}

/** Feedback when hidden tests fail: only how many, never which, so they cannot be fitted. */
async function runHoldout(options: BuildLoopOptions): Promise<string | undefined> {
  if (options.intent.holdout.length === 0) return undefined;
  const run = await guardedRun(options, options.intent.holdout);
  if (run.tampered.length > 0) return tamperMessage(run.tampered);
  const { tests } = run;
  const skipped = tests.skipped > 0 && !testsDeclareSkips(options.holdoutSources);
  if (tests.failed === 0 && tests.fileErrors.length === 0 && tests.passed > 0 && !skipped) return undefined;
  const failed = Math.max(tests.failed + (skipped ? tests.skipped : 0), tests.fileErrors.length > 0 ? 1 : 0, 1);
  return `The visible tests pass, but ${failed} hidden test${failed === 1 ? '' : 's'} failed. The hidden tests check the behaviour the intent describes: implement it for every input, not only for the values the visible tests use.`;
}

function tamperMessage(paths: string[]): string {
  return `The code changed protected files while the tests ran (${paths.join(', ')}); they were restored and the attempt was rejected. Never write to tests, intents or configuration.`;
}

function replyProblem(reply: ModelReply): string | undefined {
  if (reply.refusal) return `The model refused: ${reply.refusal}`;
  if (reply.finishReason === 'content_filter') return "The reply was stopped by the provider's content filter.";
  if (reply.finishReason === 'length') return 'The reply was cut off at the token limit (finish_reason "length"). Send only the module, without commentary.';
  if (reply.finishReason === 'cut') return 'The reply stream was cut off before it finished. Send the whole module again.';
  if (reply.content.trim() === '') return 'The reply was empty.';
  return undefined;
}

/** Models sometimes echo the generated-file header back; keep exactly one. */
function stripHeader(code: string, header: string): string {
  let result = code;
  const first = header.trim();
  while (first && result.trimStart().startsWith(first)) result = result.trimStart().slice(first.length).replace(/^\r?\n/, '');
  return result;
}
