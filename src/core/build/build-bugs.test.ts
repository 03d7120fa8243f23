import { describe, expect, it } from 'vitest';
import { runBuild, type RunBuildOptions } from './build.js';
import type { OpenBug } from './bugs.js';
import type { Lockfile } from '../project/lock.js';
import type { ModelReply } from '../ports.js';
import type { AttemptReport } from '../agent/engine.js';
import { TEST_TEMPLATES, codeReply, failingRun, makeIntent, passingRun } from '../testing/fakes.js';
import { createMemoryLoop, memoryBuildPorts } from '../testing/memory-loop.js';

const A = makeIntent('a');
const REGRESSION = 'test/regressions/2026-11-23-a-with-zero.test.ts';
const BUG: OpenBug = {
  file: 'bugs/2026-11-23-a-with-zero.md',
  intent: 'a',
  body: 'a() is wrong for zero',
  testPath: REGRESSION,
  reproduced: false,
};
const WORKS = 'export function a(): number {\n  return 1; // works\n}';
const FIXED = 'export function a(): number {\n  return 1; // works, fixed\n}';
const REPRODUCING = "it('handles zero', () => expect(a(0)).toBe(1)); // asserts the bug";

/** The module passes its own test when it `works`, and a regression test that asserts the bug only once it is `fixed`. */
function harness(script: ModelReply[], files: Record<string, string> = {}) {
  const loop = createMemoryLoop({
    files: { 'test/a.test.ts': 'a test', ...files },
    script,
    judge: (repo, { files: tests }) => {
      const module = repo.get(A.module) ?? '';
      const asserted = tests.includes(REGRESSION) && repo.get(REGRESSION)?.includes('asserts the bug');
      const fails = (asserted && !module.includes('fixed')) || !module.includes('works');
      return fails
        ? failingRun([{ name: 'a handles zero', file: tests[0]!, message: 'AssertionError: expected 0 to be 1' }])
        : passingRun(tests.length);
    },
    protectedPaths: ['test/a.test.ts'],
  });
  const reports: AttemptReport[] = [];
  const { ports } = memoryBuildPorts(loop, {
    intentStart() {},
    attemptStart() {},
    attempt: (report) => reports.push(report),
    intentEnd() {},
  });
  const build = (lock: Lockfile | undefined, overrides: Partial<RunBuildOptions> = {}) =>
    runBuild(
      {
        intents: [A],
        lock,
        templates: TEST_TEMPLATES,
        promptHash: 'p',
        model: 'm',
        maxAttempts: 2,
        force: false,
        guardOverwrite: async () => undefined,
        ...overrides,
      },
      ports,
    );
  return { workspace: loop.workspace, model: loop.model, reports, build };
}

/** A lock and repo from a green build of `a`, before the bug was reported. */
async function builtRepo() {
  const first = harness([codeReply(A.module, WORKS)]);
  const result = await first.build(undefined);
  expect(result.ok).toBe(true);
  return { lock: result.lock, files: Object.fromEntries(first.workspace.files) };
}

const bugs = {
  open: [BUG],
  templates: { system: 'Write a regression test.', task: 'Write {{testPath}}.\n{{report}}', retry: '{{feedback}}' },
};

describe('runBuild with bug reports', () => {
  it("counts the reproduce loop's tokens and replies in its intent's totals and lock entry", async () => {
    const { lock, files } = await builtRepo();
    const { reports, build } = harness(
      [
        codeReply(REGRESSION, REPRODUCING, { usage: { prompt: 100, completion: 50 }, cacheKey: 'reproduce-1' }),
        codeReply(A.module, FIXED, { usage: { prompt: 10, completion: 5 }, cacheKey: 'build-1' }),
      ],
      files,
    );
    const result = await build(lock, { bugs });

    expect(result.modules).toEqual([
      expect.objectContaining({ id: 'a', status: 'built', attempts: 1, tokens: { prompt: 110, completion: 55 } }),
    ]);
    expect(result.bugs).toEqual([
      expect.objectContaining({
        file: BUG.file,
        status: 'fixed',
        regressionTest: REGRESSION,
        attempts: 1,
        tokens: { prompt: 100, completion: 50 },
      }),
    ]);
    expect(result.lock.intents.a!.output.replies).toEqual(['reproduce-1', 'build-1']);
    expect(reports.map((report) => `${report.task} ${report.attempt} ${report.green}`)).toEqual(['reproduce 1 true', 'module 1 true']);
  });

  it('charges reproduce tokens against --max-tokens and keeps them in the totals when the budget stops the intent', async () => {
    const { lock, files } = await builtRepo();
    const { model, workspace, build } = harness(
      [codeReply(REGRESSION, REPRODUCING, { usage: { prompt: 100, completion: 50 } }), codeReply(A.module, FIXED)],
      files,
    );
    const result = await build(lock, { bugs, maxTokens: 120 });

    expect(model.requests).toHaveLength(1);
    expect(result.budgetExhausted).toMatch(/token budget exhausted \(150 of --max-tokens 120 spent\)/);
    expect(result.modules).toEqual([expect.objectContaining({ id: 'a', status: 'failed', tokens: { prompt: 100, completion: 50 } })]);
    expect(workspace.files.get(A.module)).toBe(files[A.module]);
    // The bug was reproduced before the budget ran out: its regression test is kept, and the bug stays open.
    expect(result.bugs).toEqual([expect.objectContaining({ status: 'open', regressionTest: REGRESSION })]);
    expect(workspace.files.has(REGRESSION)).toBe(true);
  });

  it('leaves the replies of a bug it could not reproduce out of the lock, so nothing replays them', async () => {
    const { lock, files } = await builtRepo();
    const passing = "it('adds', () => expect(a()).toBe(1));";
    const { build } = harness(
      [codeReply(REGRESSION, passing, { cacheKey: 'unreproduced-1' }), codeReply(REGRESSION, passing, { cacheKey: 'unreproduced-2' })],
      files,
    );
    const result = await build(lock, { bugs });

    expect(result.bugs).toEqual([
      expect.objectContaining({ status: 'unreproduced', note: expect.stringContaining('passes on the current code') }),
    ]);
    expect(result.modules[0]).toMatchObject({ status: 'fresh', tokens: { prompt: 20, completion: 10 } });
    expect(result.lock.intents.a!.output.replies).toEqual(lock.intents.a!.output.replies);
  });
});
