import { describe, expect, it } from 'vitest';
import { BudgetExceededError, ProviderError } from '../errors.js';
import { buildBudget } from '../build/budget.js';
import type { AttemptReport } from './engine.js';
import { runReproduceLoop, type ReproduceOptions } from './reproduce.js';
import type { ModelReply, TestRunResult } from '../ports.js';
import { codeReply, failingRun, makeIntent, modelReply, passingRun } from '../testing/fakes.js';
import { createMemoryLoop } from '../testing/memory-loop.js';

const MODULE = 'src/sum.ts';
const TEST = 'test/sum.test.ts';
const REGRESSION = 'test/regressions/2026-11-23-sum-with-zero.test.ts';
const BUGGY = 'export const sum = (a: number, b: number) => (a === 0 ? 0 : a + b);\n';
const REPRODUCING = "it('adds to zero', () => expect(sum(0, 5)).toBe(5));";
const PASSING = "it('adds', () => expect(sum(1, 5)).toBe(6));";
const TEMPLATES = {
  system: 'Write one regression test.',
  task: 'Write {{testPath}} for {{module}}.\n{{report}}',
  retry: 'Attempt {{attempt}} failed:\n{{feedback}}',
};

/** A repo whose regression test fails when it asserts sum(0, 5) (the bug), and passes otherwise. */
function setup(script: Array<ModelReply | Error>, judge?: (repo: ReadonlyMap<string, string>) => TestRunResult) {
  const { workspace, model, runner, protectedFiles } = createMemoryLoop({
    files: { [MODULE]: BUGGY, [TEST]: 'sum tests' },
    script,
    judge:
      judge ??
      ((repo) =>
        repo.get(REGRESSION)?.includes('sum(0, 5)')
          ? failingRun([{ name: 'adds to zero', file: REGRESSION, message: 'AssertionError: expected 0 to be 5' }])
          : passingRun(1)),
    protectedPaths: [TEST],
  });
  const reports: AttemptReport[] = [];
  const run = (overrides: Partial<ReproduceOptions> = {}) =>
    runReproduceLoop({
      intent: makeIntent('sum'),
      report: 'sum(0, 5) returns 0',
      testPath: REGRESSION,
      moduleCode: BUGGY,
      tests: [{ path: TEST, content: 'sum tests' }],
      templates: TEMPLATES,
      maxAttempts: 3,
      model,
      runner,
      protectedFiles,
      workspace,
      onAttempt: (report) => reports.push(report),
      ...overrides,
    });
  return { workspace, model, runner, reports, run };
}

describe('runReproduceLoop', () => {
  it('keeps a test that fails for the reported reason, and says so in its attempt report', async () => {
    const { workspace, runner, reports, run } = setup([codeReply(REGRESSION, REPRODUCING, { cacheKey: 'k1' })]);
    const result = await run();

    expect(result).toMatchObject({ status: 'reproduced', attempts: 1, tokens: { prompt: 10, completion: 5 }, replies: ['k1'] });
    expect(workspace.files.get(REGRESSION)).toBe(`${REPRODUCING}\n`);
    expect(runner.runs).toEqual([{ files: [REGRESSION], changed: [REGRESSION] }]);
    expect(reports).toEqual([
      expect.objectContaining({ id: 'sum', task: 'reproduce', attempt: 1, green: true, tests: { passed: 0, failed: 1 } }),
    ]);
  });

  const unusable: Array<[string, ModelReply, string]> = [
    ['cut at the token limit', codeReply(REGRESSION, REPRODUCING, { finishReason: 'length' }), 'cut off at the token limit'],
    ['stopped by the content filter', codeReply(REGRESSION, REPRODUCING, { finishReason: 'content_filter' }), 'content filter'],
    ['a cut stream', codeReply(REGRESSION, REPRODUCING, { finishReason: 'cut' }), 'stream was cut off'],
    ['a refusal', modelReply('', { refusal: 'I will not write tests.' }), 'The model refused: I will not write tests.'],
    ['empty', modelReply('   '), 'The reply was empty.'],
    ['written to the module', codeReply(MODULE, 'export const sum = () => 5;'), `you may write only ${REGRESSION}`],
  ];

  it.each(unusable)('feeds back a reply %s without writing or running it', async (_name, bad, reason) => {
    const { workspace, model, runner, reports, run } = setup([bad, codeReply(REGRESSION, REPRODUCING)]);
    const writes: string[] = [];
    const write = workspace.write.bind(workspace);
    workspace.write = async (path, content) => {
      writes.push(path);
      return write(path, content);
    };
    const result = await run();

    expect(result).toMatchObject({ status: 'reproduced', attempts: 2 });
    expect(reports[0]).toMatchObject({ attempt: 1, stage: 'reply', green: false });
    expect(writes).toEqual([REGRESSION]);
    expect(runner.runs).toHaveLength(1);
    expect(model.lastUserMessage(1)).toContain(reason);
    expect(workspace.files.get(MODULE)).toBe(BUGGY);
  });

  it('restores a protected file the test changed while it ran, and rejects that attempt', async () => {
    let tamper = true;
    const judge = (repo: ReadonlyMap<string, string>) => {
      // The first candidate rewrites the intent's own tests while it runs.
      if (tamper) (repo as Map<string, string>).set(TEST, "it.skip('gone')");
      tamper = false;
      return failingRun([{ name: 'adds to zero', file: REGRESSION, message: 'AssertionError: expected 0 to be 5' }]);
    };
    const { workspace, model, reports, run } = setup([codeReply(REGRESSION, REPRODUCING), codeReply(REGRESSION, REPRODUCING)], judge);
    const result = await run();

    expect(result).toMatchObject({ status: 'reproduced', attempts: 2 });
    expect(reports[0]).toMatchObject({ green: false, stage: 'tests' });
    expect(workspace.files.get(TEST)).toBe('sum tests');
    expect(model.lastUserMessage(1)).toContain(`The code changed protected files while the tests ran (${TEST})`);
  });

  it('removes its test and says why when no attempt reproduces the bug', async () => {
    const { workspace, model, run } = setup([codeReply(REGRESSION, PASSING), codeReply(REGRESSION, PASSING)]);
    const result = await run({ maxAttempts: 2 });

    expect(result).toMatchObject({ status: 'unreproduced', attempts: 2, note: expect.stringContaining('passes on the current code') });
    expect(workspace.files.has(REGRESSION)).toBe(false);
    expect(model.lastUserMessage(1)).toContain('Attempt 1 failed');
  });

  it('removes its half-done test when the provider fails, and lets the error through', async () => {
    const outage = new ProviderError('provider unreachable');
    const { workspace, run } = setup([codeReply(REGRESSION, PASSING), outage]);
    await expect(run()).rejects.toBe(outage);
    expect(workspace.files.has(REGRESSION)).toBe(false);
  });

  it('charges the token budget and stops asking once it is spent', async () => {
    const { workspace, model, run } = setup([
      codeReply(REGRESSION, PASSING, { usage: { prompt: 80, completion: 30 } }),
      codeReply(REGRESSION, REPRODUCING),
    ]);
    await expect(run({ budget: buildBudget({ maxTokens: 100 }) })).rejects.toBeInstanceOf(BudgetExceededError);
    expect(model.requests).toHaveLength(1);
    expect(workspace.files.has(REGRESSION)).toBe(false);
  });

  it('announces its one test file before each request and takes it back when the reply is unusable', async () => {
    const { runner, run } = setup([modelReply('no block'), codeReply(REGRESSION, REPRODUCING)]);
    await run();
    expect(runner.announcements).toEqual([1, -1, 1, 'run:1']);
  });
});
