import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ModuleResult } from '../core/build/build.js';
import { createTerminalReporter } from './reporter.js';

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

const built: ModuleResult = {
  id: 'cart', module: 'src/cart.ts', status: 'built', attempts: 2,
  tests: { passed: 5, failed: 0 }, tokens: { prompt: 1200, completion: 300 }, reasons: [],
};

describe('terminal reporter', () => {
  it('prints plain lines without escape codes when colour is off', async () => {
    const out = capture();
    const reporter = await createTerminalReporter({ stream: out.stream, live: false, color: false });
    reporter.attempt({ id: 'cart', task: 'module', attempt: 1, maxAttempts: 4, stage: 'tests', green: false, tests: { passed: 3, failed: 2 }, tokens: { prompt: 600, completion: 150 } });
    reporter.intentEnd(built);
    reporter.finish();

    expect(out.text()).toBe(
      '● cart attempt 1/4  tests 3 passed, 2 failed  tokens 600+150\n✔ cart built src/cart.ts in 2 attempts  tests 5 passed, 0 failed  tokens 1200+300\n',
    );
  });

  it('says when an attempt was writing a regression test for a bug report', async () => {
    const out = capture();
    const reporter = await createTerminalReporter({ stream: out.stream, live: false, color: false });
    reporter.attempt({ id: 'cart', task: 'reproduce', attempt: 1, maxAttempts: 4, stage: 'tests', green: true, tests: { passed: 0, failed: 1 }, tokens: { prompt: 60, completion: 15 } });

    expect(out.text()).toBe('● cart attempt 1/4  regression test: tests 0 passed, 1 failed  tokens 60+15\n');
  });

  it('colours the result when colour is on', async () => {
    const out = capture();
    const reporter = await createTerminalReporter({ stream: out.stream, live: false, color: true });
    reporter.intentEnd({ ...built, status: 'failed', failure: 'expected 5 to be 6', tests: { passed: 3, failed: 2 } });

    expect(out.text()).toMatch(/\u001b\[31m✖/);
    expect(out.text()).toContain('failed');
  });

  it('redraws one line per intent in live mode instead of appending', async () => {
    const out = capture();
    const reporter = await createTerminalReporter({ stream: out.stream, live: true, color: false });
    reporter.attemptStart('cart', 1, 4);
    reporter.attempt({ id: 'cart', task: 'module', attempt: 1, maxAttempts: 4, stage: 'reply', green: false, tests: { passed: 0, failed: 0 }, tokens: { prompt: 10, completion: 5 } });
    reporter.intentEnd(built);
    reporter.finish();

    // log-update erases the previous frame (cursor up + erase line) before drawing the next one.
    expect(out.text()).toMatch(/\u001b\[2K/);
    expect(out.text()).toContain('reply unusable');
    // The last frame, after the final erase, is the result.
    const lastFrame = out.text().split('\u001b[G').at(-1)!.replace(/\s+/g, ' ').trim();
    expect(lastFrame).toBe('✔ cart built src/cart.ts in 2 attempts tests 5 passed, 0 failed tokens 1200+300');
  });
});
