import { AinativeError, EXIT, InterruptedError, RefusalError } from '../errors.js';
import type { Intent } from '../project/intent.js';
import { emptyLock, sha256, type LockEntry, type Lockfile } from '../project/lock.js';
import { prepareBugs, type BugResult, type OpenBug } from './bugs.js';
import { budgetReason, tokenBudget } from './budget.js';
import { currentInputs, generatedHeader, readTests } from './inputs.js';
import { runBuildLoop, type AttemptReport, type TokenBudget } from '../agent/loop.js';
import { forEachInDependencyOrder } from './schedule.js';
import type { ReproduceTemplates } from '../agent/reproduce.js';
import type { CodeGuard, ModelClient, ProtectedFiles, TestRunner, TokenUsage, TypeChecker, Workspace } from '../ports.js';
import type { PromptTemplates, UsedApi } from '../agent/prompt.js';
import { assessStaleness, moduleEditedSinceBuild } from './staleness.js';

/** One intent's outcome, as printed and as `--json` reports it. */
export interface ModuleResult {
  id: string;
  module: string;
  /** `overfit`: visible tests passed but hidden holdout tests failed; the module was not kept. */
  status: 'fresh' | 'built' | 'failed' | 'overfit';
  attempts: number;
  tests: { passed: number; failed: number };
  tokens: TokenUsage;
  /** Why it was rebuilt (empty when fresh). */
  reasons: string[];
  /** Why it failed: the last feedback, or the dependency that failed. */
  failure?: string;
}

export interface BuildReporter {
  intentStart(intent: Intent, reasons: string[]): void;
  attemptStart(id: string, attempt: number, maxAttempts: number): void;
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
  /** Cache keys of the replies served since the last call (recorded in the lock so `cache prune` keeps them). */
  takeReplyKeys?: () => string[];
}

export interface RunBuildOptions {
  intents: Intent[];
  lock: Lockfile | undefined;
  templates: PromptTemplates;
  promptHash: string;
  model: string;
  maxAttempts: number;
  /** Overwrite modules edited by hand since they were generated. */
  force: boolean;
  /** Says why a module may not be overwritten (e.g. uncommitted human edits), or undefined when it may. */
  guardOverwrite(path: string): Promise<string | undefined>;
  /** Secret files (.env, keys) are never put in a prompt, even when an intent lists them. */
  isSecretPath?: (path: string) => boolean;
  /** Open bug reports of the intents being built: each becomes a failing regression test, then a fix. */
  bugs?: OpenBug[];
  reproduceTemplates?: ReproduceTemplates;
  /** Best-of-n candidates per attempt. */
  samples?: number;
  /** Intents built at the same time (their model calls overlap; test runs queue in the one warm host). */
  concurrency?: number;
  /** Total prompt + completion tokens this build may spend; undefined for no limit. */
  maxTokens?: number;
  /** The user's interrupt (SIGINT/SIGTERM): everything is restored. */
  signal?: AbortSignal;
  /** The build's time budget (--timeout): what finished is kept. */
  deadline?: AbortSignal;
}

export interface RunBuildResult {
  ok: boolean;
  /** What happened to each open bug report (fixed ones carry the module hash that fixed them). */
  bugs?: Array<BugResult & { moduleHash?: string }>;
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
  const budget = tokenBudget(options.maxTokens);
  // Stops the other intents in flight when one of them hits an error that ends the build.
  const stopOthers = new AbortController();
  const signal = AbortSignal.any([options.signal, options.deadline, stopOthers.signal].filter((one): one is AbortSignal => one !== undefined));
  let budgetExhausted: string | undefined;
  const bugResults: Array<BugResult & { moduleHash?: string }> = [];

  const buildOne = async (declared: Intent): Promise<ModuleResult> => {
    const blocked = declared.uses.find((id) => failed.has(id));
    if (budgetExhausted) return notBuilt(declared, `not built: ${budgetExhausted}`);
    if (blocked) return notBuilt(declared, `not built: it uses '${blocked}', which failed`);
    let intent = declared;
    try {
      options.signal?.throwIfAborted();
      const prepared = await withRegressions(declared, options, ports, lock, signal);
      intent = prepared.intent;
      const result = await buildIntent(intent, { ...options, signal }, ports, lock, originals, budget);
      bugResults.push(...settleBugs(prepared.bugs, result, lock));
      return result;
    } catch (error) {
      const exhausted = budgetReason(error, options);
      if (!exhausted) throw namingIntent(error, intent);
      budgetExhausted ??= exhausted;
      await restore(ports.workspace, intent.module, originals.get(intent.module), originals.has(intent.module));
      return notBuilt(intent, exhausted);
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
    if (options.signal?.aborted) throw new InterruptedError('interrupted: every file was restored to what it was before the build', { cause: error });
    throw error;
  }
  const lockChanged = results.some((result) => result.status === 'built');
  return { ok: failed.size === 0, modules: results, lock, lockChanged, budgetExhausted, bugs: bugResults };
}

/** The intent judged by its own tests plus its frozen regression tests, after reproducing its open bugs. */
async function withRegressions(intent: Intent, options: RunBuildOptions, ports: BuildPorts, lock: Lockfile, signal: AbortSignal | undefined) {
  const hasBugs = options.bugs?.some((bug) => bug.intent === intent.id) ?? false;
  if (!hasBugs && !lock.intents[intent.id]?.regressions?.length) return { intent, bugs: [] };
  return prepareBugs({
    intent,
    bugs: options.bugs ?? [],
    lock,
    templates: options.reproduceTemplates!,
    maxAttempts: options.maxAttempts,
    workspace: ports.workspace,
    model: ports.model,
    runner: ports.runner,
    signal,
  });
}

/** A reproduced bug is fixed once its intent's module is built green with the regression test in the suite. */
function settleBugs(bugs: BugResult[], result: ModuleResult, lock: Lockfile): Array<BugResult & { moduleHash?: string }> {
  const entry = lock.intents[result.id];
  return bugs.map((bug) => {
    const judged = bug.regressionTest !== undefined && (result.status === 'built' || result.status === 'fresh') && entry?.regressions?.includes(bug.regressionTest);
    return judged ? { ...bug, status: 'fixed' as const, moduleHash: entry!.output.sha256 } : bug;
  });
}

/** A cache miss under --frozen says which intent needed the model. */
function namingIntent(error: unknown, intent: Intent): unknown {
  if (error instanceof AinativeError && error.exitCode === EXIT.cacheMiss) {
    return new AinativeError(`${intent.file}: ${error.message}`, error.exitCode, { cause: error });
  }
  return error;
}

async function buildIntent(
  intent: Intent,
  options: RunBuildOptions,
  ports: BuildPorts,
  lock: Lockfile,
  originals: Map<string, string | undefined>,
  budget: TokenBudget,
): Promise<ModuleResult> {
  const { workspace } = ports;
  const tests = await readTests(workspace, intent);
  const inputs = await currentInputs(intent, options, ports, lock, tests);
  const original = await workspace.read(intent.module);
  const moduleHash = original === undefined ? undefined : sha256(original);
  const entry = lock.intents[intent.id];
  const staleness = assessStaleness(inputs, entry, { path: intent.module, sha256: moduleHash });
  const base: ModuleResult = { id: intent.id, module: intent.module, status: 'fresh', attempts: 0, tests: { passed: 0, failed: 0 }, tokens: { prompt: 0, completion: 0 }, reasons: staleness.reasons };
  if (!staleness.stale) return base;
  await refuseUnsafeOverwrite(intent, options, entry, original);
  ports.reporter.intentStart(intent, staleness.reasons);
  if (!originals.has(intent.module)) originals.set(intent.module, original);
  const [model, checker, runner, guard] = await Promise.all([ports.model(), ports.checker(), ports.runner(), ports.guard()]);
  const usedApis = await Promise.all(intent.uses.map((id) => usedApi(id, options.intents, checker)));
  ports.takeReplyKeys?.();
  const holdoutSources = await Promise.all(intent.holdout.map(async (path) => (await workspace.read(path)) ?? ''));
  const loop = await runBuildLoop({
    intent,
    templates: options.templates,
    usedApis,
    tests: tests.filter((file) => !options.isSecretPath?.(file.path)),
    holdoutSources,
    maxAttempts: options.maxAttempts,
    header: generatedHeader(intent),
    expectedTests: entry && entry.inputs.tests === inputs.tests ? entry.output.tests : undefined,
    model,
    checker,
    guard,
    protectedFiles: ports.protectedFiles,
    runner,
    workspace,
    budget,
    samples: options.samples,
    onAttemptStart: (attempt) => ports.reporter.attemptStart(intent.id, attempt, options.maxAttempts),
    onAttempt: (report) => ports.reporter.attempt(report),
    signal: options.signal,
  });
  const result: ModuleResult = { ...base, status: loop.status, attempts: loop.attempts, tests: loop.tests, tokens: loop.tokens };
  if (loop.status !== 'built') {
    await restore(workspace, intent.module, original);
    return { ...result, failure: loop.lastFeedback };
  }
  const api = await checker.extractApi(intent.module);
  const regressions = intent.regressions ?? [];
  lock.intents[intent.id] = {
    intent: intent.file,
    module: intent.module,
    ...(regressions.length > 0 ? { regressions } : {}),
    inputs,
    output: { sha256: sha256(loop.content!), api: sha256(api), tests: loop.collected, replies: ports.takeReplyKeys?.() },
  };
  return result;
}

/** A stale module may be replaced when ainative wrote it, when git can give it back, or when the user said --force. */
async function refuseUnsafeOverwrite(intent: Intent, options: RunBuildOptions, entry: LockEntry | undefined, original: string | undefined): Promise<void> {
  if (options.force || original === undefined) return;
  const hash = sha256(original);
  if (entry && entry.module === intent.module && entry.output.sha256 === hash) return;
  if (entry && entry.module === intent.module && moduleEditedSinceBuild(entry, hash)) {
    throw new RefusalError(`${intent.module}: edited since ainative generated it (its hash differs from ainative.lock); commit or discard the edit, or use --force`);
  }
  const reason = await options.guardOverwrite(intent.module);
  if (reason) throw new RefusalError(`${intent.module}: ${reason}; commit or discard it, or use --force`);
}

async function usedApi(id: string, intents: Intent[], checker: TypeChecker): Promise<UsedApi> {
  const used = intents.find((candidate) => candidate.id === id)!;
  return { id, module: used.module, declarations: await checker.extractApi(used.module) };
}

function notBuilt(intent: Intent, failure: string): ModuleResult {
  return {
    id: intent.id, module: intent.module, status: 'failed', attempts: 0,
    tests: { passed: 0, failed: 0 }, tokens: { prompt: 0, completion: 0 }, reasons: [], failure,
  };
}

async function restore(workspace: Workspace, path: string, original: string | undefined, known = true): Promise<void> {
  if (!known) return;
  if (original === undefined) await workspace.remove(path);
  else if ((await workspace.read(path)) !== original) await workspace.write(path, original);
}

async function restoreAll(workspace: Workspace, originals: Map<string, string | undefined>): Promise<void> {
  for (const [path, original] of originals) await restore(workspace, path, original);
}
