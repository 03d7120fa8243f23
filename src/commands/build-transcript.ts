import type { BuildReporter } from '../core/build/build.js';
import { redactingReporter, teeReporters } from '../core/build/reporters.js';
import { attemptRecord, intentEndRecord } from '../core/build/transcript.js';
import { startTranscript } from '../adapters/repo/transcripts.js';

export interface RecordedReporterOptions {
  stateDir: string;
  model: string;
  startedAt: Date;
  pid: number;
  redact: (text: string) => string;
  warn: (message: string) => void;
}

/**
 * The build's reporter, redacting every message, reply and feedback before anyone sees them, and also writing each
 * attempt and each intent's end to the build's transcript (`ainative log`). `close` waits for the transcript.
 */
export function recordedReporter(
  reporter: BuildReporter,
  options: RecordedReporterOptions,
): { reporter: BuildReporter; close(): Promise<void> } {
  const header = { type: 'build' as const, startedAt: options.startedAt.toISOString(), model: options.model };
  const transcript = startTranscript(options.stateDir, header, options.pid, (error) =>
    options.warn(
      `the build transcript could not be written (${error instanceof Error ? error.message : String(error)}); ainative log will miss this build`,
    ),
  );
  const recorder: BuildReporter = {
    intentStart() {},
    attemptStart() {},
    attempt: (report) => transcript.append(attemptRecord(report)),
    intentEnd: (result) => transcript.append(intentEndRecord(result)),
  };
  return { reporter: redactingReporter(teeReporters(reporter, recorder), options.redact), close: () => transcript.close() };
}
