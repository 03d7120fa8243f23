import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { AttemptReport, AttemptStart } from '../core/agent/engine.js';
import type { ModuleResult } from '../core/build/build.js';
import { makeIntent } from '../core/testing/fakes.js';
import { createTerminalReporter, type ReporterOptions } from './reporter.js';

function capture(): { stream: NodeJS.WritableStream & { columns?: number }; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  // A wide terminal, so log-update does not wrap the lines.
  return { stream: Object.assign(stream, { columns: 200 }), text: () => chunks.join('') };
}

/** The last frame log-update drew, whitespace collapsed. */
function lastFrame(text: string): string {
  return text.split('\u001b[G').at(-1)!.replace(/\s+/g, ' ').trim();
}

/** A clock the test moves, and a ticker the test fires. */
function controlledTime() {
  const time = { now: 0, redraw: undefined as (() => void) | undefined, stopped: false };
  const options: Pick<ReporterOptions, 'clock' | 'ticker'> = {
    clock: () => time.now,
    ticker: (redraw) => {
      time.redraw = redraw;
      return () => {
        time.stopped = true;
      };
    },
  };
  return { time, options };
}

const built: ModuleResult = {
  id: 'cart',
  module: 'src/cart.ts',
  status: 'built',
  attempts: 2,
  tests: { passed: 5, failed: 0 },
  tokens: { prompt: 1200, completion: 300 },
  reasons: [],
  ms: 4200,
};

const start: AttemptStart = { id: 'cart', task: 'module', target: 'src/cart.ts', attempt: 1, maxAttempts: 4, messages: [] };

function report(overrides: Partial<AttemptReport>): AttemptReport {
  return {
    ...start,
    stage: 'tests',
    green: false,
    tests: { passed: 3, failed: 2 },
    tokens: { prompt: 600, completion: 150 },
    usage: { prompt: 600, completion: 150 },
    replies: [],
    kept: 0,
    ...overrides,
  };
}

describe('terminal reporter', () => {
  it('prints plain lines without escape codes when colour is off', async () => {
    const out = capture();
    const reporter = await createTerminalReporter({ stream: out.stream, live: false, color: false, clock: () => 0 });
    reporter.attempt(report({}));
    reporter.intentEnd(built);
    reporter.finish();

    expect(out.text()).toBe(
      '● cart attempt 1/4  tests 3 passed, 2 failed  tokens 600+150\n✔ cart built src/cart.ts in 2 attempts (4.2s)  tests 5 passed, 0 failed  tokens 1200+300\n',
    );
  });

  it('marks token counts the provider did not report with ~', async () => {
    const out = capture();
    const reporter = await createTerminalReporter({ stream: out.stream, live: false, color: false, clock: () => 0 });
    reporter.attempt(report({ tokens: { prompt: 600, completion: 150, estimated: true } }));
    reporter.intentEnd({ ...built, tokens: { prompt: 1200, completion: 300, estimated: true } });

    expect(out.text()).toContain('tokens ~600+~150\n');
    expect(out.text()).toContain('tokens ~1200+~300\n');
  });

  it('says when an attempt was writing a regression test for a bug report', async () => {
    const out = capture();
    const reporter = await createTerminalReporter({ stream: out.stream, live: false, color: false, clock: () => 0 });
    reporter.attempt(report({ task: 'reproduce', green: true, tests: { passed: 0, failed: 1 }, tokens: { prompt: 60, completion: 15 } }));

    expect(out.text()).toBe('● cart attempt 1/4  regression test: tests 0 passed, 1 failed  tokens 60+15\n');
  });

  it('colours the result when colour is on', async () => {
    const out = capture();
    const reporter = await createTerminalReporter({ stream: out.stream, live: false, color: true, clock: () => 0 });
    reporter.intentEnd({ ...built, status: 'failed', failure: 'expected 5 to be 6', tests: { passed: 3, failed: 2 } });

    expect(out.text()).toMatch(/\u001b\[31m✖/);
    expect(out.text()).toContain('failed');
  });

  it('redraws one line per intent in live mode instead of appending', async () => {
    const out = capture();
    const { options } = controlledTime();
    const reporter = await createTerminalReporter({ stream: out.stream, live: true, color: false, ...options });
    reporter.attemptStart(start);
    reporter.attempt(report({ stage: 'reply', tests: { passed: 0, failed: 0 }, tokens: { prompt: 10, completion: 5 } }));
    reporter.intentEnd(built);
    reporter.finish();

    // log-update erases the previous frame (cursor up + erase line) before drawing the next one.
    expect(out.text()).toMatch(/\u001b\[2K/);
    expect(out.text()).toContain('reply unusable');
    expect(lastFrame(out.text())).toBe('✔ cart built src/cart.ts in 2 attempts (4.2s) tests 5 passed, 0 failed tokens 1200+300');
  });

  it('shows, while the model answers, how long the intent has taken and the tokens streamed so far, as an estimate', async () => {
    const out = capture();
    const { time, options } = controlledTime();
    const reporter = await createTerminalReporter({ stream: out.stream, live: true, color: false, ...options });
    reporter.intentStart(makeIntent('cart'), ['new intent']);
    reporter.attemptStart(start);
    time.now = 1_500;
    time.redraw!();
    expect(lastFrame(out.text())).toBe('● cart attempt 1/4 asking the model… 1.5s');

    reporter.streaming!({ id: 'cart', task: 'module', attempt: 1, maxAttempts: 4, completionTokens: 42, answered: false });
    time.now = 2_300;
    time.redraw!();
    expect(lastFrame(out.text())).toBe('● cart attempt 1/4 model answering… ~42 tokens streamed 2.3s');

    reporter.streaming!({ id: 'cart', task: 'module', attempt: 1, maxAttempts: 4, completionTokens: 97, answered: false });
    time.now = 3_000;
    time.redraw!();
    expect(lastFrame(out.text())).toBe('● cart attempt 1/4 model answering… ~97 tokens streamed 3.0s');

    reporter.streaming!({ id: 'cart', task: 'module', attempt: 1, maxAttempts: 4, completionTokens: 97, answered: true });
    expect(lastFrame(out.text())).toBe('● cart attempt 1/4 checking and testing… ~97 tokens streamed 3.0s');
    reporter.finish();
    expect(time.stopped).toBe(true);
  });

  it('draws the last frame once, however often it is finished', async () => {
    const out = capture();
    const reporter = await createTerminalReporter({ stream: out.stream, live: true, color: false, ...controlledTime().options });
    reporter.intentEnd(built);
    reporter.finish();
    const once = out.text();
    reporter.finish();
    expect(out.text()).toBe(once);
  });

  it('does not listen to streaming when it cannot redraw a line', async () => {
    const reporter = await createTerminalReporter({ stream: capture().stream, live: false, color: false, clock: () => 0 });
    expect(reporter.streaming).toBeUndefined();
  });
});
