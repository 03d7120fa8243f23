import type { AttemptStart } from '../core/agent/engine.js';
import type { BuildReporter } from '../core/build/build.js';
import { attemptRecord, type TranscriptAttempt } from '../core/build/transcript.js';
import { formatUsage } from '../core/build/units.js';

// One way of printing an attempt, for `build --verbose` (as it happens) and `ainative log` (afterwards).

type StartFields = Pick<TranscriptAttempt, 'intent' | 'task' | 'target' | 'attempt' | 'maxAttempts' | 'messages'>;

/** The attempt's heading and every message it sent. */
function formatAttemptStart(start: StartFields): string {
  const what = start.task === 'module' ? `writing ${start.target}` : `writing regression test ${start.target}`;
  const lines = [`=== ${start.intent} · attempt ${start.attempt}/${start.maxAttempts} · ${what} ===`];
  for (const message of start.messages) lines.push(`--- sent: ${message.role} ---`, message.content.trimEnd());
  return `${lines.join('\n')}\n`;
}

/** Every reply of the attempt, its feedback and its outcome. */
function formatAttemptEnd(record: TranscriptAttempt): string {
  const lines: string[] = [];
  record.replies.forEach((reply, index) => {
    const which = record.replies.length > 1 ? ` ${index + 1} of ${record.replies.length}${index === record.kept ? ', kept' : ''}` : '';
    const finish = reply.finishReason && reply.finishReason !== 'stop' ? `, finish ${reply.finishReason}` : '';
    lines.push(`--- reply${which} (${formatUsage(reply.usage)}${finish}) ---`);
    if (reply.refusal) lines.push(`(refused) ${reply.refusal.trimEnd()}`);
    lines.push(reply.content.trimEnd() || '(empty)');
  });
  if (record.feedback !== undefined) lines.push('--- feedback ---', record.feedback.trimEnd());
  const outcome = record.green ? 'green' : `red at ${record.stage}, tests ${record.tests.passed} passed, ${record.tests.failed} failed`;
  lines.push(`=== ${record.intent} · attempt ${record.attempt}/${record.maxAttempts}: ${outcome} · ${formatUsage(record.usage)} ===`);
  return `${lines.join('\n')}\n`;
}

/** A whole recorded attempt. */
export function formatAttempt(record: TranscriptAttempt): string {
  return `${formatAttemptStart(record)}${formatAttemptEnd(record)}`;
}

/** `build --verbose`: each attempt's messages as it asks, its replies and feedback when judged. */
export function createVerboseReporter(stream: NodeJS.WritableStream): BuildReporter {
  return {
    intentStart() {},
    attemptStart(start: AttemptStart) {
      stream.write(formatAttemptStart({ ...start, intent: start.id }));
    },
    attempt(report) {
      stream.write(formatAttemptEnd(attemptRecord(report)));
    },
    intentEnd() {},
  };
}
