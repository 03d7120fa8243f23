import { describe, expect, it } from 'vitest';
import { BudgetExceededError } from '../errors.js';
import { runBuildLoop, type BuildLoopOptions } from './loop.js';
import type { ModelReply } from '../ports.js';
import { ScriptedGuard, TEST_TEMPLATES, codeReply, makeIntent, passingRun } from '../testing/fakes.js';
import { createMemoryLoop, type Judge } from '../testing/memory-loop.js';

const MODULE = 'src/add.ts';
const TEST = { path: 'test/add.test.ts', content: "it('adds', () => expect(add(2, 3)).toBe(5));\n" };
const HOLDOUT = 'test/add.holdout.test.ts';
const GOOD = 'export function add(a: number, b: number): number {\n  return a + b;\n}';
const HARD_CODED = 'export function add(a: number, b: number): number {\n  return 5;\n}';

/** A loop whose visible tests pass for any module that returns 5 for (2, 3); hidden ones need real addition. */
function setup(script: ModelReply[], options: { judge?: Judge; guard?: ScriptedGuard; holdout?: boolean } = {}) {
  const judge: Judge =
    options.judge ??
    ((repo, run) => {
      const code = repo.get(MODULE) ?? '';
      if (run.files.includes(HOLDOUT))
        return code.includes('a + b') ? passingRun(3) : { ...passingRun(3), passed: 1, failed: 2, failures: [] };
      return passingRun(2);
    });
  const loop = createMemoryLoop({
    files: { [TEST.path]: TEST.content, [HOLDOUT]: 'hidden' },
    script,
    judge,
    protectedPaths: [TEST.path, HOLDOUT],
    guard: options.guard,
  });
  const run = (overrides: Partial<BuildLoopOptions> = {}) =>
    runBuildLoop({
      intent: makeIntent('add', { holdout: options.holdout ? [HOLDOUT] : [] }),
      templates: TEST_TEMPLATES,
      usedApis: [],
      tests: [TEST],
      holdoutSources: ['hidden'],
      maxAttempts: 2,
      header: '// generated\n',
      ...loop,
      ...overrides,
    });
  return { ...loop, run };
}

describe('runBuildLoop keeps the reward honest', () => {
  it('rejects unsafe code before writing or running it, and says why', async () => {
    const guard = new ScriptedGuard((code) =>
      code.includes('process.exit') ? [{ message: 'unsafe code: process.exit() ends the run', line: 1 }] : [],
    );
    const { model, runner, workspace, run } = setup([codeReply(MODULE, 'process.exit(0);'), codeReply(MODULE, GOOD)], { guard });
    const result = await run();

    expect(result.status).toBe('built');
    expect(runner.runs).toHaveLength(1);
    expect(model.lastUserMessage(1)).toContain('Unsafe code in src/add.ts (1):\n- line 1: unsafe code: process.exit() ends the run');
    expect(workspace.files.get(MODULE)).toContain('a + b');
  });

  it('puts back a protected file the run changed and rejects that attempt', async () => {
    let tamper = true;
    const judge: Judge = (repo) => {
      if (tamper) (repo as Map<string, string>).set(TEST.path, 'it.skip("gone")');
      tamper = false;
      return passingRun(2);
    };
    const { model, workspace, run } = setup([codeReply(MODULE, GOOD), codeReply(MODULE, GOOD)], { judge });
    const result = await run();

    expect(result).toMatchObject({ status: 'built', attempts: 2 });
    expect(workspace.files.get(TEST.path)).toBe(TEST.content);
    expect(model.lastUserMessage(1)).toContain('The code changed protected files while the tests ran (test/add.test.ts)');
  });

  it('does not count a run that collected fewer tests than the files hold', async () => {
    const { model, run } = setup([codeReply(MODULE, GOOD), codeReply(MODULE, GOOD)], { judge: () => passingRun(1) });
    const result = await run({ expectedTests: 2 });

    expect(result.status).toBe('failed');
    expect(model.lastUserMessage(1)).toContain('Only 1 of the 2 tests in the test files were collected');
  });

  it('does not count skipped tests when the test files skip none', async () => {
    const skipping: Judge = () => ({ ...passingRun(2), passed: 1, skipped: 1 });
    const { model, run } = setup([codeReply(MODULE, GOOD), codeReply(MODULE, GOOD)], { judge: skipping });
    const result = await run();

    expect(result.status).toBe('failed');
    expect(model.lastUserMessage(1)).toContain('1 test(s) were skipped although the test files skip none');
  });

  it('tells the model only how many hidden tests failed and reports overfit when that never changes', async () => {
    const { model, run } = setup([codeReply(MODULE, HARD_CODED), codeReply(MODULE, HARD_CODED)], { holdout: true });
    const result = await run();

    expect(result.status).toBe('overfit');
    const feedback = model.lastUserMessage(1);
    expect(feedback).toContain('The visible tests pass, but 2 hidden tests failed.');
    expect(feedback).not.toContain('hidden\n');
    for (const request of model.requests) expect(JSON.stringify(request)).not.toContain(HOLDOUT);
  });

  it('builds once the hidden tests pass too', async () => {
    const { run } = setup([codeReply(MODULE, HARD_CODED), codeReply(MODULE, GOOD)], { holdout: true });
    expect(await run()).toMatchObject({ status: 'built', attempts: 2 });
  });

  it('stops calling the model once the token budget is spent', async () => {
    const { model, run } = setup([codeReply(MODULE, HARD_CODED), codeReply(MODULE, GOOD)], { holdout: true });
    let spent = 0;
    const budget = {
      check: () => {
        if (spent >= 10) throw new BudgetExceededError('token budget exhausted');
      },
      spend: (usage: { prompt: number; completion: number }) => {
        spent += usage.prompt + usage.completion;
      },
    };
    await expect(run({ budget })).rejects.toThrow('token budget exhausted');
    expect(model.requests).toHaveLength(1);
  });
});

describe('runBuildLoop best-of-n', () => {
  const judge: Judge = (repo) =>
    repo.get(MODULE)?.includes('a + b') ? passingRun(2) : { ...passingRun(2), passed: 1, failed: 1, failures: [] };

  it('asks for n candidates per attempt and keeps the one passing the most tests', async () => {
    const { model, workspace, run } = setup([codeReply(MODULE, HARD_CODED), codeReply(MODULE, GOOD)], { judge });
    const result = await run({ samples: 2 });

    expect(result).toMatchObject({ status: 'built', attempts: 1 });
    expect(model.requests).toHaveLength(2);
    expect(workspace.files.get(MODULE)).toContain('a + b');
  });

  it('breaks a tie between green candidates by the shorter code, and leaves that one on disk', async () => {
    const longer = `${GOOD}\n// a long explanation that makes this candidate longer than the other one\n`;
    const { workspace, run } = setup([codeReply(MODULE, GOOD), codeReply(MODULE, longer)], { judge });
    const result = await run({ samples: 2 });

    if (result.status !== 'built') throw new Error(`expected a built module, got ${result.status}`);
    expect(workspace.files.get(MODULE)).not.toContain('long explanation');
    expect(result.content).not.toContain('long explanation');
  });
});
