import { AinativeError, EXIT, InterruptedError } from '../errors.js';
import type { Intent } from '../project/intent.js';
import { emptyLock, type Lockfile } from '../project/lock.js';
import type { Config } from '../project/settings.js';
import { prepareBugs, type BugResult, type OpenBug, type PreparedBugs } from './bugs.js';
import { budgetReason, buildBudget, tokenMeter } from './budget.js';
import { buildIntent, restore, restoreAll } from './build-intent.js';
import type { AttemptReport, AttemptStart, AttemptStream, LoopContext, TokenBudget } from '../agent/engine.js';
import type { Price } from './cost.js';
import { forEachInDependencyOrder } from './schedule.js';
import type { ReproduceTemplates } from '../agent/reproduce.js';
import type { CodeGuard, ModelClient, ProtectedFiles, TestRunner, TokenUsage, TypeChecker, Workspace } from '../ports.js';
import type { PromptTemplates } from '../agent/prompt.js';

interface ModuleCommon {
  id: string;
  module: string;
  attempts: number;
  tests: { passed: number; failed: number };
  /** Every token spent on the intent: its build loop and the loops that reproduced its bugs. */
  tokens: TokenUsage;
  /** Why it was rebuilt (empty when fresh). */
  reasons: string[];
  /** Wall-clock time spent on the intent (its bugs' reproduction included), in ms; 0 when fresh. */
  ms: number;
}

/** One intent's outcome, as printed and as `--json` reports it; one that did not turn green always says why. */
export type ModuleResult = ModuleCommon &
  (
    | { status: 'fresh' }
    | { status: 'built' }
    | {
        /** `overfit`: visible tests passed but hidden holdout tests failed; the module was not kept. */
        status: 'failed' | 'overfit';
        /** The last feedback, or why it was not built (a dependency failed, a budget ran out). */
        failure: string;
      }
  );

/** Hears what the build does as it happens. */
export interface BuildReporter {
  intentStart(intent: Intent, reasons: string[]): void;
  attemptStart(start: AttemptStart): void;
  /** Only reporters that show it have this: counting streamed tokens costs a tokenizer. */
  streaming?(progress: AttemptStream): void;
  attempt(report: AttemptReport): void;
  intentEnd(result: ModuleResult): void;
}

/** The edges a build needs; expensive ones are created on first use so a no-op build loads none of them. */
export interface BuildPorts {
  workspace: Workspace;
  /** Created on first use; the TypeScript compiler behind it should load without holding up the build (a worker thread). */
  guard(): Promise<CodeGuard>;
  protectedFiles: ProtectedFiles;
  model(): Promise<ModelClient>;
  runner(): Promise<TestRunner>;
  checker(): Promise<TypeChecker>;
  reporter: BuildReporter;
  /** Milliseconds from some fixed point, for the time each intent took; none means times are 0. */
  clock?: () => number;
}

/** The settings a build takes from the resolved configuration (declared once, in settings.ts); the optional ones default to one at a time, one sample, no limits. */
export type BuildSettings = Pick<Config, 'model' | 'maxAttempts' | 'force'> &
  Partial<Pick<Config, 'samples' | 'concurrency' | 'maxTokens' | 'maxCost' | 'maxPromptTokens'>>;

export interface RunBuildOptions extends BuildSettings {
  intents: Intent[];
  lock: Lockfile | undefined;
  templates: PromptTemplates;
  promptHash: string;
  /** Says why a module may not be overwritten (e.g. uncommitted human edits), or undefined when it may. */
  guardOverwrite(path: string): Promise<string | undefined>;
  /** Secret files (.env, keys) are never put in a prompt, even when an intent lists them. */
  isSecretPath?: (path: string) => boolean;
  /** Open bug reports of the intents being built: each becomes a failing regression test, then a fix. */
  bugs?: { open: OpenBug[]; templates: ReproduceTemplates };
  /** The user's interrupt (SIGINT/SIGTERM): everything is restored. */
  signal?: AbortSignal;
  /** The build's time budget (--timeout): what finished is kept. */
  deadline?: AbortSignal;
  /** What tokens cost; needed for `maxCost`. */
  price?: Price;
}

export interface RunBuildResult {
  ok: boolean;
  /** What happened to each open bug report (fixed ones carry the module hash that fixed them). */
  bugs?: BugResult[];
  /** Set when a budget ran out: why. */
  budgetExhausted?: string;
  modules: ModuleResult[];
  lock: Lockfile;
  lockChanged: boolean;
}

/** Builds every stale intent in dependency order; keeps what turned green, restores what did not. */
export async function runBuild(options: RunBuildOptions, ports: BuildPorts): Promise<RunBuildResult> {
  const lock: Lockfile = structuredClone(options.lock ?? emptyLock());
  const originals = new Map<string, string | undefined>();
  const results: ModuleResult[] = [];
  const failed = new Set<string>();
  const budget = buildBudget({ maxTokens: options.maxTokens, maxCost: options.maxCost, price: options.price });
  const clock = ports.clock ?? (() => 0);
  // Stops the other intents in flight when one of them hits an error that ends the build.
  const stopOthers = new AbortController();
  const signal = AbortSignal.any(
    [options.signal, options.deadline, stopOthers.signal].filter((one): one is AbortSignal => one !== undefined),
  );
  let budgetExhausted: string | undefined;
  const bugResults: BugResult[] = [];

  const buildOne = async (declared: Intent): Promise<ModuleResult> => {
    const blocked = declared.uses.find((id) => failed.has(id));
    if (budgetExhausted) return notBuilt(declared, `not built: ${budgetExhausted}`);
    if (blocked) return notBuilt(declared, `not built: it uses '${blocked}', which failed`);
    const meter = tokenMeter(budget);
    const started = clock();
    let prepared: PreparedBugs | undefined;
    try {
      options.signal?.throwIfAborted();
      const context = loopContext(options, ports, meter, signal);
      prepared = await withRegressions(declared, options, ports.workspace, lock, context);
      const result = await buildIntent(
        prepared.intent,
        { ...options, signal },
        { ports, lock, originals, context, bugReplies: prepared.replies },
      );
      bugResults.push(...settleBugs(prepared.bugs, result, lock));
      return { ...result, tokens: { ...meter.spent }, ms: result.status === 'fresh' ? 0 : clock() - started };
    } catch (error) {
      const exhausted = budgetReason(error, options);
      const intent = prepared?.intent ?? declared;
      if (!exhausted) throw namingIntent(error, intent);
      budgetExhausted ??= exhausted;
      // Bugs reproduced before the budget ran out keep their regression tests, as open bugs.
      bugResults.push(...(prepared?.bugs ?? []));
      await restore(ports.workspace, intent.module, originals.get(intent.module), originals.has(intent.module));
      return { ...notBuilt(intent, exhausted), tokens: { ...meter.spent }, ms: clock() - started };
    }
  };

  try {
    await forEachInDependencyOrder(
      options.intents,
      options.concurrency ?? 1,
      async (intent, index) => {
        const result = await buildOne(intent);
        if (result.status !== 'fresh' && result.status !== 'built') failed.add(intent.id);
        results[index] = result;
        ports.reporter.intentEnd(result);
      },
      () => stopOthers.abort(),
    );
    options.signal?.throwIfAborted();
  } catch (error) {
    // Provider failure, refusal or interruption: leave every module exactly as it was before the build.
    await restoreAll(ports.workspace, originals);
    if (options.signal?.aborted)
      throw new InterruptedError('interrupted: every file was restored to what it was before the build', { cause: error });
    throw error;
  }
  const lockChanged = results.some((result) => result.status === 'built');
  return { ok: failed.size === 0, modules: results, lock, lockChanged, budgetExhausted, bugs: bugResults };
}

/** What an intent's loops run with; the model and test host are started on first use, at most once. */
function loopContext(options: RunBuildOptions, ports: BuildPorts, budget: TokenBudget, signal: AbortSignal): () => Promise<LoopContext> {
  let context: Promise<LoopContext> | undefined;
  const { maxAttempts, samples } = options;
  return () =>
    (context ??= Promise.all([ports.model(), ports.runner()]).then(([model, runner]) => ({
      maxAttempts,
      samples,
      model,
      runner,
      protectedFiles: ports.protectedFiles,
      workspace: ports.workspace,
      budget,
      signal,
      onAttemptStart: (start: AttemptStart) => ports.reporter.attemptStart(start),
      onStream: ports.reporter.streaming && ((progress: AttemptStream) => ports.reporter.streaming?.(progress)),
      onAttempt: (report: AttemptReport) => ports.reporter.attempt(report),
    })));
}

/** The intent judged by its own tests plus its frozen regression tests, after reproducing its open bugs. */
async function withRegressions(
  intent: Intent,
  options: RunBuildOptions,
  workspace: Workspace,
  lock: Lockfile,
  context: () => Promise<LoopContext>,
): Promise<PreparedBugs> {
  const bugs = options.bugs;
  const hasBugs = bugs?.open.some((bug) => bug.intent === intent.id) ?? false;
  if (!bugs || (!hasBugs && !lock.intents[intent.id]?.regressions?.length)) return { intent, bugs: [], replies: [] };
  return prepareBugs({ intent, bugs: bugs.open, lock, templates: bugs.templates, workspace, context });
}

/** A reproduced bug is fixed once its intent's module is built green with the regression test in the suite. */
function settleBugs(bugs: BugResult[], result: ModuleResult, lock: Lockfile): BugResult[] {
  const entry = lock.intents[result.id];
  const green = result.status === 'built' || result.status === 'fresh';
  return bugs.map((bug) => {
    if (bug.status !== 'open' || !green || !entry?.regressions?.includes(bug.regressionTest)) return bug;
    return { ...bug, status: 'fixed', moduleHash: entry.output.sha256 };
  });
}

/** A cache miss under --frozen says which intent needed the model. */
function namingIntent(error: unknown, intent: Intent): unknown {
  if (error instanceof AinativeError && error.exitCode === EXIT.cacheMiss) {
    return new AinativeError(`${intent.file}: ${error.message}`, error.exitCode, { cause: error });
  }
  return error;
}

function notBuilt(intent: Intent, failure: string): ModuleResult {
  return {
    id: intent.id,
    module: intent.module,
    status: 'failed',
    attempts: 0,
    tests: { passed: 0, failed: 0 },
    tokens: { prompt: 0, completion: 0 },
    reasons: [],
    ms: 0,
    failure,
  };
}
