import { mkdtempSync, readdirSync, rmSync, writeFileSync, appendFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TranscriptAttempt, TranscriptHeader } from '../../core/build/transcript.js';
import { readTranscripts, startTranscript, TRANSCRIPT_BUILDS_KEPT } from './transcripts.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const header = (minute: number): TranscriptHeader => ({
  type: 'build',
  startedAt: `2026-11-23T10:${String(minute).padStart(2, '0')}:00.000Z`,
  model: 'm',
});
const attempt = (intent: string): TranscriptAttempt => ({
  type: 'attempt',
  intent,
  task: 'module',
  target: `src/${intent}.ts`,
  attempt: 1,
  maxAttempts: 1,
  stage: 'tests',
  green: true,
  tests: { passed: 1, failed: 0 },
  usage: { prompt: 1, completion: 1 },
  messages: [{ role: 'user', content: 'write it' }],
  replies: [],
  kept: 0,
});

async function record(minute: number, intent: string): Promise<void> {
  const writer = startTranscript(dir, header(minute), 1, (error) => {
    throw error;
  });
  writer.append({ type: 'intent', intent: 'fresh-one', status: 'fresh', attempts: 0 });
  writer.append(attempt(intent));
  writer.append({ type: 'intent', intent, status: 'built', attempts: 1 });
  await writer.close();
}

async function all(): Promise<Array<{ startedAt: string; intents: string[] }>> {
  const found = [];
  for await (const transcript of readTranscripts(dir))
    found.push({ startedAt: transcript.header.startedAt, intents: transcript.ends.map((end) => end.intent) });
  return found;
}

describe('build transcripts', () => {
  it('reads back what a build recorded, newest build first', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ainative-transcripts-'));
    await record(1, 'a');
    await record(2, 'b');
    const [newest, older] = await all();
    expect(newest).toEqual({ startedAt: header(2).startedAt, intents: ['fresh-one', 'b'] });
    expect(older?.startedAt).toBe(header(1).startedAt);
  });

  it(`keeps the last ${TRANSCRIPT_BUILDS_KEPT} builds`, async () => {
    dir = mkdtempSync(join(tmpdir(), 'ainative-transcripts-'));
    for (let minute = 0; minute < TRANSCRIPT_BUILDS_KEPT + 3; minute++) await record(minute, `i${minute}`);
    const kept = await all();
    expect(kept).toHaveLength(TRANSCRIPT_BUILDS_KEPT);
    expect(kept.at(-1)?.startedAt).toBe(header(3).startedAt);
  });

  it('writes nothing, and deletes nothing, for a build that asked the model nothing', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ainative-transcripts-'));
    await record(1, 'a');
    const writer = startTranscript(dir, header(2), 1, () => {});
    writer.append({ type: 'intent', intent: 'a', status: 'fresh', attempts: 0 });
    await writer.close();
    expect(readdirSync(join(dir, 'transcripts'))).toHaveLength(1);
  });

  it('skips a last line cut short by a build that was killed', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ainative-transcripts-'));
    mkdirSync(join(dir, 'transcripts'));
    const file = join(dir, 'transcripts', '2026-11-23T10-00-00-000Z-7.jsonl');
    writeFileSync(file, `${JSON.stringify(header(0))}\n${JSON.stringify(attempt('a'))}\n`);
    appendFileSync(file, '{"type":"attempt","intent":"a","mess');
    const [only] = await all();
    expect(only?.startedAt).toBe(header(0).startedAt);
    for await (const transcript of readTranscripts(dir)) expect(transcript.attempts).toHaveLength(1);
  });
});
