import { createHash } from 'node:crypto';
import { summarizeFailures } from './feedback.js';
import type { Intent } from '../project/intent.js';
import type { ChatMessage, TestRunResult, Workspace } from '../ports.js';
import { conversation, fencedCode, formatReadOnlyFiles, renderTemplate, type PreviousAttempt, type ShownFile } from './prompt.js';
import {
  runAttempts,
  tamperMessage,
  type AttemptsResult,
  type GuardedRun,
  type Judgement,
  type LoopContext,
  type LoopTotals,
} from './engine.js';

/** Prompt templates for writing a regression test from a bug report. */
export interface ReproduceTemplates {
  system: string;
  task: string;
  retry: string;
}

/** The reproduce strategy's own inputs, on top of what every loop runs with. */
export interface ReproduceOptions extends Omit<LoopContext, 'samples'> {
  intent: Intent;
  /** The report text, as a stranger wrote it. */
  report: string;
  /** Where the regression test goes, e.g. test/regressions/2026-11-23-empty-upload.test.ts. */
  testPath: string;
  /** The module as it is now; the test must fail against it. */
  moduleCode: string;
  tests: ShownFile[];
  templates: ReproduceTemplates;
}

/** A reproduced bug has its regression test on disk; an unreproduced one has none, and a note saying why. */
export type ReproduceResult = LoopTotals & ({ status: 'reproduced' } | { status: 'unreproduced'; note: string });

/**
 * Asks the model for a regression test until one fails against the current module for the reported reason. The
 * test is the only file a reply may write; a test that is not kept (unreproduced, or the loop stopped) is removed.
 */
export async function runReproduceLoop(options: ReproduceOptions): Promise<ReproduceResult> {
  const { testPath, workspace } = options;
  let result: AttemptsResult<true>;
  try {
    result = await runAttempts<true>(
      {
        task: 'reproduce',
        path: testPath,
        testFilesPerCandidate: 1,
        messages: (previous) => reproduceMessages(options, previous),
        judge: (code, run) => judgeRegressionTest(workspace, testPath, code, run),
      },
      // One candidate per attempt: a regression test is cheap to ask for again.
      { ...options, samples: 1, id: options.intent.id },
    );
  } catch (error) {
    await workspace.remove(testPath);
    throw error;
  }
  const { attempts, tokens, tests, replies } = result;
  if (result.status === 'succeeded') return { status: 'reproduced', attempts, tokens, tests, replies };
  await workspace.remove(testPath);
  return { status: 'unreproduced', note: result.feedback.split('\n')[0] ?? '', attempts, tokens, tests, replies };
}

/** Writes the candidate test and runs it alone against the current module: it must fail, for the reported reason. */
async function judgeRegressionTest(workspace: Workspace, testPath: string, code: string, run: GuardedRun): Promise<Judgement<true>> {
  await workspace.write(testPath, code);
  const { tests, tampered } = await run([testPath], [testPath]);
  const problem = tampered.length > 0 ? tamperMessage(tampered) : whyNotReproduced(tests);
  const common = { stage: 'tests' as const, code, written: code, tests, rank: [] };
  return problem === undefined ? { ok: true, value: true, ...common } : { ok: false, feedback: problem, ...common };
}

// Failures that say the test itself is broken, not that the module misbehaves.
const UNRELATED =
  /\b(ReferenceError|SyntaxError|is not defined|is not a function|Cannot find module|Failed to (load|resolve)|does not provide an export named|is not exported)\b/;

/** Why a run does not reproduce the report, or undefined when it fails for the right reason. */
export function whyNotReproduced(run: TestRunResult): string | undefined {
  if (run.fileErrors.length > 0) {
    const detail = run.fileErrors.map((error) => error.message.split('\n')[0]).join('; ');
    return `This test fails for an unrelated reason: it does not load (${detail}). Fix the test so that it runs.`;
  }
  if (run.collected === 0) return 'The file collected no test. Write at least one it() block.';
  if (run.failed === 0)
    return 'This test passes on the current code; it does not reproduce the report. Assert the behaviour the report says is wrong.';
  const unrelated = run.failures.find((failure) => UNRELATED.test(failure.message));
  if (unrelated) {
    return `This test fails for an unrelated reason (${unrelated.message.split('\n')[0]}), not because of the reported behaviour. Fix the test itself.\n\n${summarizeFailures({ modulePath: '', typeProblems: [], tests: run })}`;
  }
  return undefined;
}

function reproduceMessages(options: ReproduceOptions, previous: PreviousAttempt | undefined): ChatMessage[] {
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
  const values = {
    attempt: String(previous.attempt),
    maxAttempts: String(options.maxAttempts),
    testPath: options.testPath,
    feedback: previous.feedback,
  };
  return conversation(templates.system, task, { reply: previous.reply, retry: renderTemplate(templates.retry, values) });
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
