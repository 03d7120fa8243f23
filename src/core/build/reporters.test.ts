import { describe, expect, it } from 'vitest';
import type { AttemptReport } from '../agent/engine.js';
import type { BuildReporter } from './build.js';
import { redactingReporter, teeReporters } from './reporters.js';

function recorder(streaming = false) {
  const seen: unknown[] = [];
  const reporter: BuildReporter = {
    intentStart: () => {},
    attemptStart: (start) => seen.push(start),
    attempt: (report) => seen.push(report),
    intentEnd: (result) => seen.push(result),
    ...(streaming ? { streaming: (progress) => seen.push(progress) } : {}),
  };
  return { reporter, seen };
}

const report: AttemptReport = {
  id: 'a',
  task: 'module',
  target: 'src/a.ts',
  attempt: 1,
  maxAttempts: 2,
  stage: 'tests',
  green: false,
  tests: { passed: 0, failed: 1 },
  tokens: { prompt: 1, completion: 1 },
  usage: { prompt: 1, completion: 1 },
  messages: [{ role: 'user', content: 'key SECRET-VALUE here' }],
  replies: [{ content: 'uses SECRET-VALUE', finishReason: 'stop', refusal: 'no SECRET-VALUE', usage: { prompt: 1, completion: 1 } }],
  kept: 0,
  feedback: 'expected SECRET-VALUE',
};

describe('redactingReporter', () => {
  it('redacts the messages, replies, refusals and feedback it passes on', () => {
    const { reporter, seen } = recorder();
    redactingReporter(reporter, (text) => text.replaceAll('SECRET-VALUE', '[REDACTED]')).attempt(report);
    expect(JSON.stringify(seen)).not.toContain('SECRET-VALUE');
    expect(seen[0]).toMatchObject({
      messages: [{ content: 'key [REDACTED] here' }],
      replies: [{ content: 'uses [REDACTED]', refusal: 'no [REDACTED]' }],
      feedback: 'expected [REDACTED]',
    });
  });
});

describe('teeReporters', () => {
  it('tells every reporter, and listens to streaming only when one of them shows it', () => {
    const plain = recorder();
    const live = recorder(true);
    expect(teeReporters(plain.reporter, recorder().reporter).streaming).toBeUndefined();
    const both = teeReporters(plain.reporter, live.reporter);
    both.attempt(report);
    both.streaming!({ id: 'a', task: 'module', attempt: 1, maxAttempts: 2, completionTokens: 3, answered: false });
    expect(plain.seen).toEqual([report]);
    expect(live.seen).toEqual([report, { id: 'a', task: 'module', attempt: 1, maxAttempts: 2, completionTokens: 3, answered: false }]);
  });
});
