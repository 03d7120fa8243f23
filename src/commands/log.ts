import { triedIntent, type TranscriptAttempt, type TranscriptHeader } from '../core/build/transcript.js';
import { stateDirOf } from '../adapters/repo/state-dir.js';
import { readTranscripts } from '../adapters/repo/transcripts.js';
import { openProject } from './project.js';
import { namedIntents } from './select-intents.js';

export interface LogOptions {
  /** Only this intent's attempts, from the last build that made any. */
  intent?: string;
  /** Only attempt n (of each intent and bug shown). */
  attempt?: number;
}

/** The build whose attempts are shown (none when no build has asked the model yet) and those attempts. */
export interface LogResult {
  build?: TranscriptHeader;
  attempts: TranscriptAttempt[];
}

/** `ainative log [intent]`: the attempts of the last build that made any (for the intent, when named). */
export async function logCommand(cwd: string, options: LogOptions): Promise<LogResult> {
  const project = await openProject(cwd, {});
  const { intent, attempt } = options;
  // An unknown id is a usage error, as for build and status.
  if (intent) namedIntents(project, [intent]);
  for await (const transcript of readTranscripts(await stateDirOf(project.gitRoot))) {
    if (intent ? !triedIntent(transcript, intent) : transcript.attempts.length === 0) continue;
    const attempts = transcript.attempts.filter(
      (record) => (!intent || record.intent === intent) && (!attempt || record.attempt === attempt),
    );
    return { build: transcript.header, attempts };
  }
  return { attempts: [] };
}
