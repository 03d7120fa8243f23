import { InterruptedError, RefusalError } from './errors.js';
import type { Intent } from './intent.js';
import { emptyLock, hashNamedTexts, sha256, type IntentInputs, type LockEntry, type Lockfile } from './lock.js';
import { runBuildLoop, type AttemptReport } from './loop.js';
import type { ModelClient, TestRunner, TokenUsage, TypeChecker, Workspace } from './ports.js';
import type { PromptTemplates, ShownFile, UsedApi } from './prompt.js';
import { assessStaleness, moduleEditedSinceBuild } from './staleness.js';

/** One intent's outcome, as printed and as `--json` reports it. */
export interface ModuleResult {
  id: string;
  module: string;
  status: 'fresh' | 'built' | 'failed';
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
  model(): Promise<ModelClient>;
  runner(): Promise<TestRunner>;
  checker(): Promise<TypeChecker>;
  reporter: BuildReporter;
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
  signal?: AbortSignal;
}

export interface RunBuildResult {
  ok: boolean;
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
  let lockChanged = false;
  try {
    for (const intent of options.intents) {
      options.signal?.throwIfAborted();
      const blocked = intent.uses.find((id) => failed.has(id));
      const result = blocked
        ? failedDependency(intent, blocked)
        : await buildIntent(intent, options, ports, lock, originals);
      if (result.status === 'failed') failed.add(intent.id);
      if (result.status === 'built') lockChanged = true;
      results.push(result);
      ports.reporter.intentEnd(result);
    }
    options.signal?.throwIfAborted();
  } catch (error) {
    // Provider failure, refusal or interruption: leave every module exactly as it was before the build.
    await restoreAll(ports.workspace, originals);
    if (options.signal?.aborted) throw new InterruptedError('interrupted: every file was restored to what it was before the build', { cause: error });
    throw error;
  }
  return { ok: failed.size === 0, modules: results, lock, lockChanged };
}

async function buildIntent(
  intent: Intent,
  options: RunBuildOptions,
  ports: BuildPorts,
  lock: Lockfile,
  originals: Map<string, string | undefined>,
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
  const [model, checker, runner] = await Promise.all([ports.model(), ports.checker(), ports.runner()]);
  const usedApis = await Promise.all(intent.uses.map((id) => usedApi(id, options.intents, checker)));
  const loop = await runBuildLoop({
    intent,
    templates: options.templates,
    usedApis,
    tests,
    maxAttempts: options.maxAttempts,
    header: generatedHeader(intent),
    model,
    checker,
    runner,
    workspace,
    onAttemptStart: (attempt) => ports.reporter.attemptStart(intent.id, attempt, options.maxAttempts),
    onAttempt: (report) => ports.reporter.attempt(report),
    signal: options.signal,
  });
  const result: ModuleResult = { ...base, status: loop.status, attempts: loop.attempts, tests: loop.tests, tokens: loop.tokens };
  if (loop.status === 'failed') {
    await restore(workspace, intent.module, original);
    return { ...result, failure: loop.lastFeedback };
  }
  const api = await checker.extractApi(intent.module);
  lock.intents[intent.id] = { intent: intent.file, module: intent.module, inputs, output: { sha256: sha256(loop.content!), api: sha256(api) } };
  return result;
}

/** A stale module may be replaced when ainative wrote it, when git can give it back, or when the user said --force. */
async function refuseUnsafeOverwrite(intent: Intent, options: RunBuildOptions, entry: LockEntry | undefined, original: string | undefined): Promise<void> {
  if (options.force || original === undefined) return;
  const hash = sha256(original);
  if (entry && entry.module === intent.module && entry.output.sha256 === hash) return;
  if (entry && moduleEditedSinceBuild(entry, hash)) {
    throw new RefusalError(`${intent.module}: edited since ainative generated it (its hash differs from ainative.lock); commit or discard the edit, or use --force`);
  }
  const reason = await options.guardOverwrite(intent.module);
  if (reason) throw new RefusalError(`${intent.module}: ${reason}; commit or discard it, or use --force`);
}

/** Hashes of what the intent is built from; a used module's API hash comes from the lock while its file is unchanged. */
export async function currentInputs(
  intent: Intent,
  options: Pick<RunBuildOptions, 'intents' | 'promptHash' | 'model'>,
  ports: Pick<BuildPorts, 'workspace' | 'checker'>,
  lock: Lockfile,
  tests: ShownFile[],
): Promise<IntentInputs> {
  const uses: Record<string, string> = {};
  for (const id of intent.uses) {
    const used = options.intents.find((candidate) => candidate.id === id);
    if (!used) continue;
    const content = await ports.workspace.read(used.module);
    const entry = lock.intents[id];
    if (content === undefined) uses[id] = sha256('');
    else if (entry && entry.module === used.module && entry.output.sha256 === sha256(content)) uses[id] = entry.output.api;
    else uses[id] = sha256(await (await ports.checker()).extractApi(used.module));
  }
  return {
    intent: sha256(intent.text),
    tests: hashNamedTexts(Object.fromEntries(tests.map((file) => [file.path, file.content]))),
    uses,
    prompt: options.promptHash,
    model: options.model,
  };
}

/** The intent's test files, read from disk. */
export async function readTests(workspace: Workspace, intent: Intent): Promise<ShownFile[]> {
  return Promise.all(intent.tests.map(async (path) => ({ path, content: (await workspace.read(path)) ?? '' })));
}

/** The comment line put above every generated module. */
export function generatedHeader(intent: Intent): string {
  return `// Generated by ainative from ${intent.file}. Edit the intent or its tests, not this file.\n`;
}

async function usedApi(id: string, intents: Intent[], checker: TypeChecker): Promise<UsedApi> {
  const used = intents.find((candidate) => candidate.id === id)!;
  return { id, module: used.module, declarations: await checker.extractApi(used.module) };
}

function failedDependency(intent: Intent, blocked: string): ModuleResult {
  return {
    id: intent.id, module: intent.module, status: 'failed', attempts: 0,
    tests: { passed: 0, failed: 0 }, tokens: { prompt: 0, completion: 0 }, reasons: [],
    failure: `not built: it uses '${blocked}', which failed`,
  };
}

async function restore(workspace: Workspace, path: string, original: string | undefined): Promise<void> {
  if (original === undefined) await workspace.remove(path);
  else if ((await workspace.read(path)) !== original) await workspace.write(path, original);
}

async function restoreAll(workspace: Workspace, originals: Map<string, string | undefined>): Promise<void> {
  for (const [path, original] of originals) await restore(workspace, path, original);
}
