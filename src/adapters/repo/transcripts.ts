import { appendFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { gatherTranscript, type BuildTranscript, type TranscriptHeader, type TranscriptRecord } from '../../core/build/transcript.js';

/** How many builds' transcripts are kept; older ones are deleted when a build starts. */
export const TRANSCRIPT_BUILDS_KEPT = 10; // builds

const TRANSCRIPTS = 'transcripts';
const FILE_NAME = /^\d{4}-\d{2}-\d{2}T[\d-]+Z-\d+\.jsonl$/;

/** An open transcript: records are appended in order, in the background; `close` waits for them. */
export interface TranscriptWriter {
  append(record: TranscriptRecord): void;
  close(): Promise<void>;
}

/**
 * The transcript of a build in `<stateDir>/transcripts/`, one JSON record a line. The file is created, and all but
 * the newest TRANSCRIPT_BUILDS_KEPT - 1 older ones deleted, when the first attempt is recorded (records before it
 * wait): a build that asks the model nothing leaves the kept ones alone. A failed write is reported to `onError` once.
 */
export function startTranscript(
  stateDir: string,
  header: TranscriptHeader,
  pid: number,
  onError: (error: unknown) => void,
): TranscriptWriter {
  const dir = join(stateDir, TRANSCRIPTS);
  const path = join(dir, `${header.startedAt.replace(/[:.]/g, '-')}-${pid}.jsonl`);
  const waiting: TranscriptRecord[] = [header];
  let queue: Promise<void> | undefined;
  let failed = false;
  const write = (step: () => Promise<unknown>) => {
    queue = (queue ?? Promise.resolve()).then(step).then(
      () => undefined,
      (error: unknown) => {
        if (!failed) onError(error);
        failed = true;
      },
    );
  };
  return {
    append(record) {
      if (!queue && record.type !== 'attempt') {
        waiting.push(record);
        return;
      }
      if (!queue) write(() => createFile(dir, path, waiting.splice(0)));
      write(() => appendFile(path, `${JSON.stringify(record)}\n`));
    },
    close: async () => queue,
  };
}

async function createFile(dir: string, path: string, first: TranscriptRecord[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const older = await transcriptFiles(dir);
  await Promise.all(older.slice(TRANSCRIPT_BUILDS_KEPT - 1).map((name) => rm(join(dir, name), { force: true })));
  await appendFile(path, first.map((record) => `${JSON.stringify(record)}\n`).join(''));
}

/** The transcripts kept under `stateDir`, newest first, each read only when asked for. */
export async function* readTranscripts(stateDir: string): AsyncGenerator<BuildTranscript> {
  const dir = join(stateDir, TRANSCRIPTS);
  for (const name of await transcriptFiles(dir)) {
    const transcript = gatherTranscript(parseLines(await readFile(join(dir, name), 'utf8').catch(() => '')));
    if (transcript) yield transcript;
  }
}

/** Transcript file names, newest first (the names start with the build's start time). */
async function transcriptFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  return names
    .filter((name) => FILE_NAME.test(name))
    .sort()
    .reverse();
}

/** Records of a JSONL text; a line cut short by a build that was killed is skipped. */
function parseLines(text: string): TranscriptRecord[] {
  const records: TranscriptRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as TranscriptRecord);
    } catch {
      // A half-written last line.
    }
  }
  return records;
}
