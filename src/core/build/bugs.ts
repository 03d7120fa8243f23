import type { Intent } from '../project/intent.js';
import type { Lockfile } from '../project/lock.js';
import type { ModelClient, TestRunner, TokenUsage, Workspace } from '../ports.js';
import { runReproduceLoop, type ReproduceTemplates } from '../agent/reproduce.js';
import type { ShownFile } from '../agent/prompt.js';

/** An open bug report, as the build sees it. */
export interface OpenBug {
  file: string;
  intent: string;
  body: string;
  /** Where its regression test goes (or already is, when an earlier build reproduced it). */
  testPath: string;
  /** True when an earlier build already wrote and froze the regression test. */
  reproduced: boolean;
}

/** What the build did with one bug. */
export interface BugResult {
  file: string;
  intent: string;
  /** `open` until the module passes the regression test; `unreproduced` is an open bug whose test could not be written. */
  status: 'open' | 'unreproduced' | 'fixed';
  regressionTest?: string;
  attempts: number;
  tokens: TokenUsage;
  note?: string;
}

export interface PrepareBugsOptions {
  intent: Intent;
  bugs: OpenBug[];
  lock: Lockfile;
  templates: ReproduceTemplates;
  maxAttempts: number;
  workspace: Workspace;
  model: () => Promise<ModelClient>;
  runner: () => Promise<TestRunner>;
  signal?: AbortSignal;
}

/**
 * Reproduces each open bug of an intent as a failing regression test, then returns the intent judged by its tests
 * plus every frozen regression test (earlier fixes from the lock, and the new ones).
 */
export async function prepareBugs(options: PrepareBugsOptions): Promise<{ intent: Intent; bugs: BugResult[] }> {
  const { intent, workspace } = options;
  const regressions = new Set<string>();
  // A frozen regression test a person deleted is their decision: it stops judging the module.
  for (const path of options.lock.intents[intent.id]?.regressions ?? []) if (await workspace.exists(path)) regressions.add(path);
  const results: BugResult[] = [];
  const moduleCode = await workspace.read(intent.module);
  for (const bug of options.bugs.filter((candidate) => candidate.intent === intent.id)) {
    const zero = { prompt: 0, completion: 0 };
    if (bug.reproduced && (await workspace.exists(bug.testPath))) {
      regressions.add(bug.testPath);
      results.push({ file: bug.file, intent: bug.intent, status: 'open', regressionTest: bug.testPath, attempts: 0, tokens: zero });
      continue;
    }
    if (moduleCode === undefined) {
      results.push({ file: bug.file, intent: bug.intent, status: 'unreproduced', attempts: 0, tokens: zero, note: `${intent.module} does not exist yet; build it first` });
      continue;
    }
    const tests = await readShown(workspace, [...intent.tests, ...regressions]);
    const outcome = await runReproduceLoop({
      intent,
      report: bug.body,
      testPath: bug.testPath,
      moduleCode,
      tests,
      templates: options.templates,
      maxAttempts: options.maxAttempts,
      model: await options.model(),
      runner: await options.runner(),
      workspace,
      signal: options.signal,
    });
    if (outcome.status === 'reproduced') regressions.add(bug.testPath);
    results.push({
      file: bug.file,
      intent: bug.intent,
      status: outcome.status === 'reproduced' ? 'open' : 'unreproduced',
      regressionTest: outcome.status === 'reproduced' ? bug.testPath : undefined,
      attempts: outcome.attempts,
      tokens: outcome.tokens,
      note: outcome.note,
    });
  }
  const added = [...regressions].filter((path) => !intent.tests.includes(path)).sort();
  return { intent: { ...intent, tests: [...intent.tests, ...added], regressions: added }, bugs: results };
}

async function readShown(workspace: Workspace, paths: string[]): Promise<ShownFile[]> {
  return Promise.all(paths.map(async (path) => ({ path, content: (await workspace.read(path)) ?? '' })));
}
