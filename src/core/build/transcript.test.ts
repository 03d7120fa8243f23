import { describe, expect, it } from 'vitest';
import { gatherTranscript, lastFailureLine, type TranscriptAttempt, type TranscriptRecord } from './transcript.js';

function attempt(intent: string, n: number, overrides: Partial<TranscriptAttempt> = {}): TranscriptAttempt {
  return {
    type: 'attempt',
    intent,
    task: 'module',
    target: `src/${intent}.ts`,
    attempt: n,
    maxAttempts: 2,
    stage: 'tests',
    green: false,
    tests: { passed: 0, failed: 1 },
    usage: { prompt: 1, completion: 1 },
    messages: [],
    replies: [],
    kept: 0,
    feedback: `\nattempt ${n}: sum > adds fails\nexpected 5`,
    ...overrides,
  };
}

const header = { type: 'build' as const, startedAt: '2026-11-23T10:00:00.000Z', model: 'm' };

describe('lastFailureLine', () => {
  it("is the first line of the intent's last module feedback when the build left it red", () => {
    const records: TranscriptRecord[] = [
      header,
      attempt('sum', 1),
      attempt('sum', 2),
      attempt('sum', 1, { task: 'reproduce', feedback: 'this test passes on the current code' }),
      { type: 'intent', intent: 'sum', status: 'failed', attempts: 2, failure: 'whole feedback' },
    ];
    expect(lastFailureLine(gatherTranscript(records)!, 'sum')).toBe('attempt 2: sum > adds fails');
  });

  it('is nothing when the intent turned green, or the build did not finish it', () => {
    const green = gatherTranscript([header, attempt('sum', 1), { type: 'intent', intent: 'sum', status: 'built', attempts: 2 }])!;
    expect(lastFailureLine(green, 'sum')).toBeUndefined();
    expect(lastFailureLine(gatherTranscript([header, attempt('sum', 1)])!, 'sum')).toBeUndefined();
  });

  it('falls back to why the intent was not built when it made no attempt', () => {
    const blocked = gatherTranscript([
      header,
      { type: 'intent', intent: 'top', status: 'failed', attempts: 0, failure: "not built: it uses 'sum', which failed" },
    ])!;
    expect(lastFailureLine(blocked, 'top')).toBe("not built: it uses 'sum', which failed");
  });
});

describe('gatherTranscript', () => {
  it('needs a build header first', () => {
    expect(gatherTranscript([attempt('sum', 1)])).toBeUndefined();
  });
});
