import type { Intent } from '../project/intent.js';
import type { Lockfile } from '../project/lock.js';
import type { TokenUsage, Workspace } from '../ports.js';
import { runReproduceLoop, type ReproduceTemplates } from '../agent/reproduce.js';
import type { LoopContext } from '../agent/engine.js';
import { normaliseLineEndings } from '../project/content-hash.js';
import { readShown } from './inputs.js';

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

interface BugCommon {
  file: string;
  intent: string;
  attempts: number;
  tokens: TokenUsage;
}

/**
 * What the build did with one bug: `open` until the module passes its regression test, `unreproduced` (still open)
 * when no failing test could be written, `fixed` with the hash of the module that passes it.
 */
export type BugResult = BugCommon &
  (
    | { status: 'open'; regressionTest: string }
    | { status: 'unreproduced'; note: string }
    | { status: 'fixed'; regressionTest: string; moduleHash: string }
  );

export interface PrepareBugsOptions {
  intent: Intent;
  bugs: OpenBug[];
  lock: Lockfile;
  templates: ReproduceTemplates;
  workspace: Workspace;
  /** What the reproduce loops run with; created only when a bug needs reproducing (it starts the model and test host). */
  context: () => Promise<LoopContext>;
}

/** The intent to build, what happened to its bugs, and the cache keys of the replies that reproduced them. */
export interface PreparedBugs {
  intent: Intent;
  bugs: BugResult[];
  /** Replies of reproduce loops that failed are left out: nothing should replay them. */
  replies: string[];
}

/**
 * Reproduces each open bug of an intent as a failing regression test, then returns the intent judged by its tests
 * plus every frozen regression test (earlier fixes from the lock, and the new ones).
 */
export async function prepareBugs(options: PrepareBugsOptions): Promise<PreparedBugs> {
  const { intent, workspace } = options;
  const regressions = new Set<string>();
  // A frozen regression test a person deleted is their decision: it stops judging the module.
  for (const path of options.lock.intents[intent.id]?.regressions ?? []) if (await workspace.exists(path)) regressions.add(path);
  const results: BugResult[] = [];
  const replies: string[] = [];
  const found = await workspace.read(intent.module);
  const moduleCode = found === undefined ? undefined : normaliseLineEndings(found);
  for (const bug of options.bugs.filter((candidate) => candidate.intent === intent.id)) {
    const common = { file: bug.file, intent: bug.intent, attempts: 0, tokens: { prompt: 0, completion: 0 } };
    if (bug.reproduced && (await workspace.exists(bug.testPath))) {
      regressions.add(bug.testPath);
      results.push({ ...common, status: 'open', regressionTest: bug.testPath });
      continue;
    }
    if (moduleCode === undefined) {
      results.push({ ...common, status: 'unreproduced', note: `${intent.module} does not exist yet; build it first` });
      continue;
    }
    const tests = await readShown(workspace, [...intent.tests, ...regressions]);
    const context = await options.context();
    const outcome = await runReproduceLoop({
      ...context,
      intent,
      report: bug.body,
      testPath: bug.testPath,
      moduleCode,
      tests,
      templates: options.templates,
    });
    const spent = { ...common, attempts: outcome.attempts, tokens: outcome.tokens };
    if (outcome.status === 'unreproduced') {
      results.push({ ...spent, status: 'unreproduced', note: outcome.note });
      continue;
    }
    regressions.add(bug.testPath);
    replies.push(...outcome.replies);
    results.push({ ...spent, status: 'open', regressionTest: bug.testPath });
  }
  const added = [...regressions].filter((path) => !intent.tests.includes(path)).sort();
  return { intent: { ...intent, tests: [...intent.tests, ...added], regressions: added }, bugs: results, replies };
}
