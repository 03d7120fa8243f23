import { summarizeFailures, type AttemptFailure } from './feedback.js';
import type { Intent } from './intent.js';
import type { ModelClient, ModelReply, TestRunResult, TestRunner, TokenUsage, TypeChecker, Workspace } from './ports.js';
import { buildMessages, formatCodeReply, type PreviousAttempt, type PromptTemplates, type ShownFile, type UsedApi } from './prompt.js';
import { parseReply } from './reply.js';

/** What happened in one attempt, for the reporter. */
export interface AttemptReport {
  id: string;
  attempt: number;
  maxAttempts: number;
  /** `reply` = unusable reply, `types` = type errors, `tests` = tests ran. */
  stage: 'reply' | 'types' | 'tests';
  green: boolean;
  tests: { passed: number; failed: number };
  tokens: TokenUsage;
}

export interface BuildLoopOptions {
  intent: Intent;
  templates: PromptTemplates;
  usedApis: UsedApi[];
  tests: ShownFile[];
  maxAttempts: number;
  /** Put above the module so readers know it is generated and from where. */
  header: string;
  model: ModelClient;
  checker: TypeChecker;
  runner: TestRunner;
  workspace: Workspace;
  onAttemptStart?: (attempt: number) => void;
  onAttempt?: (report: AttemptReport) => void;
  signal?: AbortSignal;
}

export interface BuildLoopResult {
  status: 'built' | 'failed';
  attempts: number;
  tokens: TokenUsage;
  tests: { passed: number; failed: number };
  /** The module as written to disk (header included) when built. */
  content?: string;
  /** Feedback of the last failed attempt, when failed. */
  lastFeedback?: string;
}

/** Writes, checks and tests candidates until the intent's tests pass or attempts run out. Leaves the last candidate on disk. */
export async function runBuildLoop(options: BuildLoopOptions): Promise<BuildLoopResult> {
  const { intent, maxAttempts } = options;
  const tokens: TokenUsage = { prompt: 0, completion: 0 };
  let tests = { passed: 0, failed: 0 };
  let previous: PreviousAttempt | undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    options.signal?.throwIfAborted();
    options.onAttemptStart?.(attempt);
    const messages = buildMessages({ ...options, previous });
    const reply = await options.model.complete(messages, { signal: options.signal });
    tokens.prompt += reply.usage.prompt;
    tokens.completion += reply.usage.completion;
    const outcome = await tryReply(options, reply);
    tests = outcome.tests ? { passed: outcome.tests.passed, failed: outcome.tests.failed + outcome.tests.fileErrors.length } : tests;
    const report = { id: intent.id, attempt, maxAttempts, stage: outcome.stage, green: outcome.green, tests, tokens: { ...tokens } };
    options.onAttempt?.(report);
    if (outcome.green) return { status: 'built', attempts: attempt, tokens, tests, content: outcome.content };
    previous = { attempt, reply: outcome.code ? formatCodeReply(intent.module, outcome.code) : reply.content || '(empty reply)', feedback: outcome.feedback! };
  }
  return { status: 'failed', attempts: maxAttempts, tokens, tests, lastFeedback: previous?.feedback };
}

interface AttemptOutcome {
  stage: AttemptReport['stage'];
  green: boolean;
  code?: string;
  content?: string;
  tests?: TestRunResult;
  feedback?: string;
}

async function tryReply(options: BuildLoopOptions, reply: ModelReply): Promise<AttemptOutcome> {
  const modulePath = options.intent.module;
  const problem = replyProblem(reply);
  const parsed = problem ? { ok: false as const, reason: problem } : parseReply(reply.content, modulePath);
  if (!parsed.ok) {
    return { stage: 'reply', green: false, feedback: summarizeFailures({ modulePath, replyProblem: parsed.reason, typeProblems: [] }) };
  }
  const code = stripHeader(parsed.code, options.header);
  const content = options.header + code;
  // The header is one comment line; checking without it keeps line numbers the same as the code the model wrote.
  const typeProblems = await options.checker.check(modulePath, code, options.intent.exports);
  if (typeProblems.some((problem) => /^TS1\d{3}:/.test(problem.message))) {
    // Syntax errors: the tests could not even load the module, so running them adds nothing.
    return { stage: 'types', green: false, code, feedback: summarizeFailures({ modulePath, typeProblems }) };
  }
  await options.workspace.write(modulePath, content);
  const tests = await options.runner.run(options.intent.tests, [modulePath]);
  const green = typeProblems.length === 0 && isGreen(tests);
  const failure: AttemptFailure = { modulePath, typeProblems, tests };
  return {
    stage: typeProblems.length > 0 ? 'types' : 'tests',
    green,
    code,
    content,
    tests,
    feedback: green ? undefined : summarizeFailures(failure),
  };
}

/** Green means tests ran, none failed, and no test file broke. */
export function isGreen(result: TestRunResult): boolean {
  return result.failed === 0 && result.fileErrors.length === 0 && result.passed > 0;
}

function replyProblem(reply: ModelReply): string | undefined {
  if (reply.refusal) return `The model refused: ${reply.refusal}`;
  if (reply.finishReason === 'content_filter') return 'The reply was stopped by the provider\'s content filter.';
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
