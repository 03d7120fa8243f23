import type { AttemptReport, AttemptStart } from '../agent/engine.js';
import type { ChatMessage, ModelReply } from '../ports.js';
import type { BuildReporter, ModuleResult } from './build.js';

/** One reporter that tells each of `reporters` everything, in order. */
export function teeReporters(...reporters: BuildReporter[]): BuildReporter {
  const streaming = reporters.filter((reporter) => reporter.streaming);
  return {
    intentStart: (intent, reasons) => reporters.forEach((reporter) => reporter.intentStart(intent, reasons)),
    attemptStart: (start) => reporters.forEach((reporter) => reporter.attemptStart(start)),
    attempt: (report) => reporters.forEach((reporter) => reporter.attempt(report)),
    intentEnd: (result) => reporters.forEach((reporter) => reporter.intentEnd(result)),
    // Only when one of them shows streaming: asking for it makes the model adapter load a tokenizer.
    ...(streaming.length > 0 ? { streaming: (progress) => streaming.forEach((reporter) => reporter.streaming?.(progress)) } : {}),
  };
}

/** A reporter that passes everything on with `redact` applied to every text a model or a test could have put a secret in. */
export function redactingReporter(inner: BuildReporter, redact: (text: string) => string): BuildReporter {
  const messages = (sent: ChatMessage[]) => sent.map((message) => ({ ...message, content: redact(message.content) }));
  const reply = (one: ModelReply): ModelReply => ({
    ...one,
    content: redact(one.content),
    refusal: one.refusal === null ? null : redact(one.refusal),
  });
  const start = (one: AttemptStart): AttemptStart => ({ ...one, messages: messages(one.messages) });
  const report = (one: AttemptReport): AttemptReport => ({
    ...one,
    ...start(one),
    replies: one.replies.map(reply),
    ...(one.feedback === undefined ? {} : { feedback: redact(one.feedback) }),
  });
  const result = (one: ModuleResult): ModuleResult => ('failure' in one ? { ...one, failure: redact(one.failure) } : one);
  return {
    intentStart: (intent, reasons) => inner.intentStart(intent, reasons),
    attemptStart: (one) => inner.attemptStart(start(one)),
    attempt: (one) => inner.attempt(report(one)),
    intentEnd: (one) => inner.intentEnd(result(one)),
    ...(inner.streaming ? { streaming: (progress) => inner.streaming?.(progress) } : {}),
  };
}
