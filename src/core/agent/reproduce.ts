import { createHash } from 'node:crypto';
import { summarizeFailures } from './feedback.js';
import type { Intent } from '../project/intent.js';
import type { ChatMessage, ModelClient, TestRunResult, TestRunner, TokenUsage, Workspace } from '../ports.js';
import { conversation, fencedCode, formatCodeReply, formatReadOnlyFiles, renderTemplate, type ShownFile } from './prompt.js';
import { parseReply } from './reply.js';

/** Prompt templates for writing a regression test from a bug report. */
export interface ReproduceTemplates {
  system: string;
  task: string;
  retry: string;
}

export interface ReproduceOptions {
  intent: Intent;
  /** The report text, as a stranger wrote it. */
  report: string;
  /** Where the regression test goes, e.g. test/regressions/2026-11-23-empty-upload.test.ts. */
  testPath: string;
  /** The module as it is now; the test must fail against it. */
  moduleCode: string;
  tests: ShownFile[];
  templates: ReproduceTemplates;
  maxAttempts: number;
  model: ModelClient;
  runner: TestRunner;
  workspace: Workspace;
  signal?: AbortSignal;
}

export interface ReproduceResult {
  status: 'reproduced' | 'unreproduced';
  attempts: number;
  tokens: TokenUsage;
  /** Why the last attempt did not reproduce the bug, when unreproduced. */
  note?: string;
}

/** Asks the model for a regression test until one fails against the current module for the reported reason. */
export async function runReproduceLoop(options: ReproduceOptions): Promise<ReproduceResult> {
  const tokens: TokenUsage = { prompt: 0, completion: 0 };
  let previous: { code: string | undefined; reply: string; feedback: string; attempt: number } | undefined;
  for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
    options.signal?.throwIfAborted();
    const reply = await options.model.complete(reproduceMessages(options, previous), { signal: options.signal });
    tokens.prompt += reply.usage.prompt;
    tokens.completion += reply.usage.completion;
    const parsed = reply.refusal ? { ok: false as const, reason: `The model refused: ${reply.refusal}` } : parseReply(reply.content, options.testPath);
    if (!parsed.ok) {
      previous = { code: undefined, reply: reply.content || '(empty reply)', feedback: summarizeFailures({ modulePath: options.testPath, replyProblem: parsed.reason, typeProblems: [] }), attempt };
      continue;
    }
    await options.workspace.write(options.testPath, parsed.code);
    const run = await options.runner.run([options.testPath], [options.testPath]);
    const problem = whyNotReproduced(run);
    if (!problem) return { status: 'reproduced', attempts: attempt, tokens };
    previous = { code: parsed.code, reply: reply.content, feedback: problem, attempt };
  }
  await options.workspace.remove(options.testPath);
  return { status: 'unreproduced', attempts: options.maxAttempts, tokens, note: previous?.feedback.split('\n')[0] };
}

// Failures that say the test itself is broken, not that the module misbehaves.
const UNRELATED = /\b(ReferenceError|SyntaxError|is not defined|is not a function|Cannot find module|Failed to (load|resolve)|does not provide an export named|is not exported)\b/;

/** Why a run does not reproduce the report, or undefined when it fails for the right reason. */
export function whyNotReproduced(run: TestRunResult): string | undefined {
  if (run.fileErrors.length > 0) {
    const detail = run.fileErrors.map((error) => error.message.split('\n')[0]).join('; ');
    return `This test fails for an unrelated reason: it does not load (${detail}). Fix the test so that it runs.`;
  }
  if (run.collected === 0) return 'The file collected no test. Write at least one it() block.';
  if (run.failed === 0) return 'This test passes on the current code; it does not reproduce the report. Assert the behaviour the report says is wrong.';
  const unrelated = run.failures.find((failure) => UNRELATED.test(failure.message));
  if (unrelated) {
    return `This test fails for an unrelated reason (${unrelated.message.split('\n')[0]}), not because of the reported behaviour. Fix the test itself.\n\n${summarizeFailures({ modulePath: '', typeProblems: [], tests: run })}`;
  }
  return undefined;
}

function reproduceMessages(
  options: ReproduceOptions,
  previous: { code: string | undefined; reply: string; feedback: string; attempt: number } | undefined,
): ChatMessage[] {
  const { templates, intent } = options;
  const task = renderTemplate(templates.task, {
    testPath: options.testPath,
    module: intent.module,
    id: intent.id,
    intent: intent.body,
    moduleCode: fencedCode(options.moduleCode),
    tests: formatReadOnlyFiles(options.tests),
    report: untrusted(options.report),
  });
  if (!previous) return conversation(templates.system, task);
  const values = { attempt: String(previous.attempt), maxAttempts: String(options.maxAttempts), testPath: options.testPath, feedback: previous.feedback };
  const reply = previous.code ? formatCodeReply(options.testPath, previous.code) : previous.reply;
  return conversation(templates.system, task, { reply, retry: renderTemplate(templates.retry, values) });
}

/**
 * Wraps a stranger's text between markers it cannot forge: the marker carries a hash of the text, and any
 * marker-looking line inside is neutralised.
 */
export function untrusted(text: string): string {
  const tag = createHash('sha256').update(text).digest('hex').slice(0, 12);
  const cleaned = text.replace(/<<<\s*(BEGIN|END)[^>\n]*>>>/gi, '[marker removed]');
  return `<<<BEGIN UNTRUSTED BUG REPORT ${tag}>>>\n${cleaned.trim()}\n<<<END UNTRUSTED BUG REPORT ${tag}>>>`;
}
