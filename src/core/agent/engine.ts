import { summarizeFailures } from './feedback.js';
import type { ChatMessage, ModelClient, ModelReply, ProtectedFiles, TestRunResult, TestRunner, TokenUsage, Workspace } from '../ports.js';
import { formatCodeReply, type PreviousAttempt } from './prompt.js';
import { parseReply } from './reply.js';
import { askCandidates } from './candidates.js';
import { addUsage, noUsage, sumUsage } from '../model/usage.js';
import type { Config } from '../project/settings.js';

// The one bounded repair loop. A strategy says what a reply may write, how to ask and what counts as success; the
// engine owns everything around that: budgets, reply checks, the protected-file snapshot around every test run,
// best-of-n, progress reports, token totals and the cache keys of the replies it used.

/** Where an attempt stopped: `reply` unusable, `guard` unsafe code, `types` type errors, `tests` ran, `holdout` hidden tests failed. */
export type AttemptStage = 'reply' | 'guard' | 'types' | 'tests' | 'holdout';

/** An attempt about to ask the model: what for, and the messages it sends. */
export interface AttemptStart {
  id: string;
  /** What the attempt asks for: the intent's module, or a regression test that reproduces a bug report. */
  task: 'module' | 'reproduce';
  /** The one repo path a reply may write: the module, or the regression test. */
  target: string;
  attempt: number;
  maxAttempts: number;
  messages: ChatMessage[];
}

/** What happened in one attempt, for the reporter and the transcript. */
export interface AttemptReport extends AttemptStart {
  stage: AttemptStage;
  /** The attempt reached the strategy's goal. */
  green: boolean;
  tests: { passed: number; failed: number };
  /** Tokens spent by the loop so far, this attempt included. */
  tokens: TokenUsage;
  /** Tokens of this attempt alone. */
  usage: TokenUsage;
  /** Every candidate the model gave, in order of asking. */
  replies: ModelReply[];
  /** Index in `replies` of the candidate the attempt kept (the best one). */
  kept: number;
  /** What the next attempt is told; absent when the attempt reached its goal. */
  feedback?: string;
}

/** Completion tokens streamed so far by one attempt's requests, while the model answers (an estimate). */
export type AttemptStream = Pick<AttemptStart, 'id' | 'task' | 'attempt' | 'maxAttempts'> & {
  completionTokens: number;
  /** Every reply of the attempt is in; what follows is checking and testing them. */
  answered: boolean;
};

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
  onAttemptStart?: (start: AttemptStart) => void;
  /** Given only to listeners that show progress: streaming counts cost a tokenizer. */
  onStream?: (progress: AttemptStream) => void;
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
export async function runAttempts<Success>(
  strategy: AttemptStrategy<Success>,
  options: LoopContext & { id: string },
): Promise<AttemptsResult<Success>> {
  const tokens = noUsage();
  const replies = new Set<string>();
  const account = (reply: ModelReply) => {
    addUsage(tokens, reply.usage);
    if (reply.cacheKey) replies.add(reply.cacheKey);
    options.budget?.spend(reply.usage);
  };
  let tests = { passed: 0, failed: 0 };
  let previous: PreviousAttempt | undefined;
  const { id, maxAttempts } = options;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    options.signal?.throwIfAborted();
    options.budget?.check();
    const start: AttemptStart = {
      id,
      task: strategy.task,
      target: strategy.path,
      attempt,
      maxAttempts,
      messages: strategy.messages(previous),
    };
    options.onAttemptStart?.(start);
    const { best, tried } = await attemptOnce(strategy, options, start, account);
    const { reply, judgement } = best;
    options.signal?.throwIfAborted();
    if (judgement.tests) tests = { passed: judgement.tests.passed, failed: judgement.tests.failed + judgement.tests.fileErrors.length };
    const candidates = tried.map((one) => one.reply);
    options.onAttempt?.({
      ...start,
      stage: judgement.stage,
      green: judgement.ok,
      tests,
      tokens: { ...tokens },
      usage: sumUsage(candidates.map((one) => one.usage)),
      replies: candidates,
      kept: tried.indexOf(best),
      ...(judgement.ok ? {} : { feedback: judgement.feedback }),
    });
    if (judgement.ok) return { status: 'succeeded', value: judgement.value, attempts: attempt, tokens, tests, replies: [...replies] };
    const shown = judgement.code !== undefined ? formatCodeReply(strategy.path, judgement.code) : reply.content || '(empty reply)';
    previous = { attempt, reply: shown, feedback: judgement.feedback };
  }
  const feedback = previous?.feedback ?? 'No attempt was made.';
  return { status: 'exhausted', feedback, attempts: maxAttempts, tokens, tests, replies: [...replies] };
}

interface Tried<Success> {
  reply: ModelReply;
  judgement: Judgement<Success>;
}

/** One attempt: announce the test runs, ask for the candidates, judge each, keep the best on disk. */
async function attemptOnce<Success>(
  strategy: AttemptStrategy<Success>,
  options: LoopContext,
  start: AttemptStart,
  account: (reply: ModelReply) => void,
): Promise<{ best: Tried<Success>; tried: Array<Tried<Success>> }> {
  const samples = Math.max(1, options.samples ?? 1);
  // The runner may get ready (boot test threads) while the model answers.
  const expected = samples * strategy.testFilesPerCandidate;
  let ran = 0;
  const run: GuardedRun = (files, changed) => {
    ran += files.length;
    return guardedRun(options, files, changed);
  };
  const { onStream } = options;
  const { id, task, attempt, maxAttempts } = start;
  let streamedSoFar = 0;
  const streamed =
    onStream &&
    ((completionTokens: number) => {
      streamedSoFar = completionTokens;
      onStream({ id, task, attempt, maxAttempts, completionTokens, answered: false });
    });
  options.runner.expect?.(expected);
  try {
    const replies = await askCandidates(options.model, start.messages, samples, { signal: options.signal, onStream: streamed });
    for (const reply of replies) account(reply);
    onStream?.({ id, task, attempt, maxAttempts, completionTokens: streamedSoFar, answered: true });
    const tried: Array<Tried<Success>> = [];
    for (const reply of replies) tried.push({ reply, judgement: await judgeReply(strategy, reply, run) });
    return { best: await keepBest(tried, strategy.path, options.workspace), tried };
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

/** Why a reply cannot be used before its text is even parsed, or undefined when it can. */
function replyProblem(reply: ModelReply): string | undefined {
  if (reply.refusal) return `The model refused: ${reply.refusal}`;
  if (reply.finishReason === 'content_filter') return "The reply was stopped by the provider's content filter.";
  if (reply.finishReason === 'length')
    return 'The reply was cut off at the token limit (finish_reason "length"). Send only the file, without commentary.';
  if (reply.finishReason === 'cut') return 'The reply stream was cut off before it finished. Send the whole file again.';
  if (reply.content.trim() === '') return 'The reply was empty.';
  return undefined;
}

/** Feedback for a run that changed protected files. */
export function tamperMessage(paths: string[]): string {
  return `The code changed protected files while the tests ran (${paths.join(', ')}); they were restored and the attempt was rejected. Never write to tests, intents or configuration.`;
}
