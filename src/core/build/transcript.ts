import type { AttemptReport } from '../agent/engine.js';
import type { ChatMessage, ModelReply, TokenUsage } from '../ports.js';
import type { ModuleResult } from './build.js';

// What a build transcript holds: per attempt the messages sent, every reply and the feedback, and per intent how it
// ended. Texts reach it already redacted (see redactingReporter).

/** The first record of a transcript: which build it is. */
export interface TranscriptHeader {
  type: 'build';
  /** ISO 8601. */
  startedAt: string;
  model: string;
}

/** One reply as the transcript keeps it. */
export type TranscriptReply = Pick<ModelReply, 'content' | 'finishReason' | 'refusal' | 'usage'>;

/** One attempt of an intent's build loop or of the reproduction of one of its bug reports. */
export interface TranscriptAttempt {
  type: 'attempt';
  intent: string;
  task: AttemptReport['task'];
  /** The path the attempt could write: the module, or the regression test. */
  target: string;
  attempt: number;
  maxAttempts: number;
  stage: AttemptReport['stage'];
  green: boolean;
  tests: { passed: number; failed: number };
  /** Tokens of this attempt. */
  usage: TokenUsage;
  messages: ChatMessage[];
  replies: TranscriptReply[];
  /** Index of the reply the attempt kept. */
  kept: number;
  feedback?: string;
}

/** How an intent ended in the build. */
export interface TranscriptIntentEnd {
  type: 'intent';
  intent: string;
  status: ModuleResult['status'];
  attempts: number;
  failure?: string;
}

/** One line of a transcript file. */
export type TranscriptRecord = TranscriptHeader | TranscriptAttempt | TranscriptIntentEnd;

/** A whole build's transcript. */
export interface BuildTranscript {
  header: TranscriptHeader;
  attempts: TranscriptAttempt[];
  ends: TranscriptIntentEnd[];
}

/** The record of one attempt report. */
export function attemptRecord(report: AttemptReport): TranscriptAttempt {
  const { id, task, target, attempt, maxAttempts, stage, green, tests, usage, messages, kept, feedback } = report;
  const replies = report.replies.map(({ content, finishReason, refusal, usage: used }) => ({
    content,
    finishReason,
    refusal,
    usage: used,
  }));
  return {
    type: 'attempt',
    intent: id,
    task,
    target,
    attempt,
    maxAttempts,
    stage,
    green,
    tests,
    usage,
    messages,
    replies,
    kept,
    ...(feedback === undefined ? {} : { feedback }),
  };
}

/** The record of how an intent ended. */
export function intentEndRecord(result: ModuleResult): TranscriptIntentEnd {
  const { id, status, attempts } = result;
  return { type: 'intent', intent: id, status, attempts, ...('failure' in result ? { failure: result.failure } : {}) };
}

/** Gathers parsed records into a transcript; undefined when the first is not a build header. */
export function gatherTranscript(records: readonly TranscriptRecord[]): BuildTranscript | undefined {
  const [header] = records;
  if (header?.type !== 'build') return undefined;
  const attempts = records.filter((record): record is TranscriptAttempt => record.type === 'attempt');
  const ends = records.filter((record): record is TranscriptIntentEnd => record.type === 'intent');
  return { header, attempts, ends };
}

/** Whether this build made attempts for the intent. */
export function triedIntent(transcript: BuildTranscript, id: string): boolean {
  return transcript.attempts.some((attempt) => attempt.intent === id);
}

/**
 * The first line of the last feedback the intent got, when this build ended it red (failed or overfit); undefined
 * when it turned green, or this build did not get to it.
 */
export function lastFailureLine(transcript: BuildTranscript, id: string): string | undefined {
  const end = transcript.ends.findLast((record) => record.intent === id);
  if (!end || (end.status !== 'failed' && end.status !== 'overfit')) return undefined;
  const feedback = transcript.attempts.findLast((record) => record.intent === id && record.task === 'module')?.feedback ?? end.failure;
  return feedback
    ?.split('\n')
    .find((line) => line.trim() !== '')
    ?.trim();
}
