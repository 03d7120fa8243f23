import { summarizeFailures } from './feedback.js';
import type { ChatMessage, ModelClient, ModelReply, ProtectedFiles, TestRunResult, TestRunner, TokenUsage, Workspace } from '../ports.js';
import { formatCodeReply, type PreviousAttempt } from './prompt.js';
import { parseReply } from './reply.js';
import type { Config } from '../project/settings.js';

// The one bounded repair loop. A strategy says what a reply may write, how to ask and what counts as success; the
// engine owns everything around that: budgets, reply checks, the protected-file snapshot around every test run,
// best-of-n, progress reports, token totals and the cache keys of the replies it used.

/** Where an attempt stopped: `reply` unusable, `guard` unsafe code, `types` type errors, `tests` ran, `holdout` hidden tests failed. */
export type AttemptStage = 'reply' | 'guard' | 'types' | 'tests' | 'holdout';

/** What happened in one attempt, for the reporter. */
export interface AttemptReport {
  id: string;
  /** What the attempt asked for: the intent's module, or a regression test that reproduces a bug report. */
  task: 'module' | 'reproduce';
  attempt: number;
  maxAttempts: number;
  stage: AttemptStage;
  /** The attempt reached the strategy's goal. */
  green: boolean;
  tests: { passed: number; failed: number };
  tokens: TokenUsage;
}

/** Spends tokens against the build's budget; throws (stopping the build) once it is used up. */
export interface TokenBudget {
  check(): void;
  spend(usage: TokenUsage): void;
}

/** A test run between two snapshots of the protected files; `tampered` names what the run changed (now restored). */
export type GuardedRun = (files: string[], changed: string[]) => Promise<{ tests: TestRunResult; tampered: string[] }>;

interface JudgementCommon {
  stage: AttemptStage;
  /** The code the reply held, shown back to the model on the next attempt. */
  code?: string;
  /** What the candidate put on disk, so a best-of-n winner can be put back. */
  written?: string;
  tests?: TestRunResult;
  /** Orders the candidates of one attempt, lower first; successes always come before failures. */
  rank: number[];
}

/** How one candidate fared: a success carries the strategy's value, a failure the feedback for the next attempt. */
export type Judgement<Success> = JudgementCommon & ({ ok: true; value: Success } | { ok: false; feedback: string });

/** What one loop supplies to the engine. */
export interface AttemptStrategy<Success> {
  task: AttemptReport['task'];
  /** The one repo path a reply may write. */
  path: string;
  /** Test files one candidate runs when it gets that far; announced to the runner as each request goes out. */
  testFilesPerCandidate: number;
  /** The chat for the next attempt; `previous` is the attempt that just failed. */
  messages(previous: PreviousAttempt | undefined): ChatMessage[];
  /** Judges the code a usable reply holds for `path`: writes it, runs tests through `run`, says whether it succeeded. */
  judge(code: string, run: GuardedRun): Promise<Judgement<Success>>;
}

/** What every loop runs with: the model, the test host, the protected files, the budget and progress callbacks. */
export interface LoopContext extends Pick<Config, 'maxAttempts'>, Partial<Pick<Config, 'samples'>> {
  model: ModelClient;
  runner: TestRunner;
  protectedFiles: ProtectedFiles;
  workspace: Workspace;
  budget?: TokenBudget;
  onAttemptStart?: (attempt: number) => void;
  onAttempt?: (report: AttemptReport) => void;
  signal?: AbortSignal;
}

/** Totals of one loop, whatever its outcome. */
export interface LoopTotals {
  attempts: number;
  tokens: TokenUsage;
  /** Test counts of the last attempt that ran tests. */
  tests: { passed: number; failed: number };
  /** Response-cache keys of every reply the loop used, in order, each once. */
  replies: string[];
}

/** How a loop ended: with the strategy's value, or out of attempts with the last feedback. */
export type AttemptsResult<Success> = LoopTotals & ({ status: 'succeeded'; value: Success } | { status: 'exhausted'; feedback: string });

/** Asks, judges and feeds back until the strategy succeeds or attempts run out. */
export async function runAttempts<Success>(strategy: AttemptStrategy<Success>, options: LoopContext & { id: string }): Promise<AttemptsResult<Success>> {
  const tokens: TokenUsage = { prompt: 0, completion: 0 };
  const replies = new Set<string>();
  const account = (reply: ModelReply) => {
    tokens.prompt += reply.usage.prompt;
    tokens.completion += reply.usage.completion;
    if (reply.cacheKey) replies.add(reply.cacheKey);
    options.budget?.spend(reply.usage);
  };
  let tests = { passed: 0, failed: 0 };
  let previous: PreviousAttempt | undefined;
  for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
    options.signal?.throwIfAborted();
    options.budget?.check();
    options.onAttemptStart?.(attempt);
    const { reply, judgement } = await attemptOnce(strategy, options, strategy.messages(previous), account);
    options.signal?.throwIfAborted();
    if (judgement.tests) tests = { passed: judgement.tests.passed, failed: judgement.tests.failed + judgement.tests.fileErrors.length };
    const { id, maxAttempts } = options;
    options.onAttempt?.({ id, task: strategy.task, attempt, maxAttempts, stage: judgement.stage, green: judgement.ok, tests, tokens: { ...tokens } });
    if (judgement.ok) return { status: 'succeeded', value: judgement.value, attempts: attempt, tokens, tests, replies: [...replies] };
    const shown = judgement.code !== undefined ? formatCodeReply(strategy.path, judgement.code) : reply.content || '(empty reply)';
    previous = { attempt, reply: shown, feedback: judgement.feedback };
  }
  const feedback = previous?.feedback ?? 'No attempt was made.';
  return { status: 'exhausted', feedback, attempts: options.maxAttempts, tokens, tests, replies: [...replies] };
}

interface Tried<Success> {
  reply: ModelReply;
  judgement: Judgement<Success>;
}

/** One attempt: announce the test runs, ask for the candidates, judge each, keep the best on disk. */
async function attemptOnce<Success>(
  strategy: AttemptStrategy<Success>,
  options: LoopContext,
  messages: ChatMessage[],
  account: (reply: ModelReply) => void,
): Promise<Tried<Success>> {
  const samples = Math.max(1, options.samples ?? 1);
  // The runner may get ready (boot test threads) while the model answers.
  const expected = samples * strategy.testFilesPerCandidate;
  let ran = 0;
  const run: GuardedRun = (files, changed) => {
    ran += files.length;
    return guardedRun(options, files, changed);
  };
  options.runner.expect?.(expected);
  try {
    const replies = await askCandidates(options.model, messages, samples, options.signal);
    for (const reply of replies) account(reply);
    const tried: Array<Tried<Success>> = [];
    for (const reply of replies) tried.push({ reply, judgement: await judgeReply(strategy, reply, run) });
    return await keepBest(tried, strategy.path, options.workspace);
  } finally {
    // What the attempt did not run (an unusable reply, a rejected candidate, a spent budget) is not coming.
    if (ran < expected) options.runner.expect?.(ran - expected);
  }
}

/** Runs tests between two snapshots of the protected files; anything the run changed is put back. */
async function guardedRun(options: LoopContext, files: string[], changed: string[]): Promise<{ tests: TestRunResult; tampered: string[] }> {
  const before = await options.protectedFiles.snapshot();
  let tests: TestRunResult;
  try {
    tests = await options.runner.run(files, changed);
  } catch (error) {
    // A run that died (runner closed by Ctrl-C) may still have changed files before it did.
    await options.protectedFiles.restoreChanged(before).catch(() => []);
    throw error;
  }
  return { tests, tampered: await options.protectedFiles.restoreChanged(before) };
}

// An unusable reply ranks below every candidate the strategy judged.
const UNUSABLE: number[] = [Number.POSITIVE_INFINITY];

/** An unusable reply (refused, filtered, cut, empty, no block for the path) is fed back; the strategy never sees it. */
async function judgeReply<Success>(strategy: AttemptStrategy<Success>, reply: ModelReply, run: GuardedRun): Promise<Judgement<Success>> {
  const problem = replyProblem(reply);
  const parsed = problem ? { ok: false as const, reason: problem } : parseReply(reply.content, strategy.path);
  if (parsed.ok) return strategy.judge(parsed.code, run);
  const feedback = summarizeFailures({ modulePath: strategy.path, replyProblem: parsed.reason, typeProblems: [] });
  return { ok: false, stage: 'reply', feedback, rank: UNUSABLE };
}

/** The best candidate (successes first, then the strategy's rank; the earlier on a tie), left on disk. */
async function keepBest<Success>(tried: Array<Tried<Success>>, path: string, workspace: Workspace): Promise<Tried<Success>> {
  const [first, ...others] = tried;
  if (!first) throw new Error('the model client returned no reply');
  const rankOf = ({ judgement }: Tried<Success>) => [judgement.ok ? 0 : 1, ...judgement.rank];
  const best = others.reduce((winner, candidate) => (compareRanks(rankOf(candidate), rankOf(winner)) < 0 ? candidate : winner), first);
  // The last candidate tried is on disk; the winner must be what stays there.
  if (best !== tried.at(-1) && best.judgement.written !== undefined) await workspace.write(path, best.judgement.written);
  return best;
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? Number.POSITIVE_INFINITY;
    const y = b[i] ?? Number.POSITIVE_INFINITY;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
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

/** Why a reply cannot be used before its text is even parsed, or undefined when it can. */
export function replyProblem(reply: ModelReply): string | undefined {
  if (reply.refusal) return `The model refused: ${reply.refusal}`;
  if (reply.finishReason === 'content_filter') return "The reply was stopped by the provider's content filter.";
  if (reply.finishReason === 'length') return 'The reply was cut off at the token limit (finish_reason "length"). Send only the file, without commentary.';
  if (reply.finishReason === 'cut') return 'The reply stream was cut off before it finished. Send the whole file again.';
  if (reply.content.trim() === '') return 'The reply was empty.';
  return undefined;
}

/** Feedback for a run that changed protected files. */
export function tamperMessage(paths: string[]): string {
  return `The code changed protected files while the tests ran (${paths.join(', ')}); they were restored and the attempt was rejected. Never write to tests, intents or configuration.`;
}
