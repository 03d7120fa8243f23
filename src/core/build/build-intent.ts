import { InputError, RefusalError } from '../errors.js';
import { contentHash } from '../project/content-hash.js';
import type { Intent } from '../project/intent.js';
import { sha256, type LockEntry, type Lockfile } from '../project/lock.js';
import type { LoopContext } from '../agent/engine.js';
import { runBuildLoop } from '../agent/loop.js';
import { promptSizeProblem } from '../agent/prompt-size.js';
import type { UsedApi } from '../agent/prompt.js';
import type { TypeChecker, Workspace } from '../ports.js';
import type { BuildPorts, ModuleResult, RunBuildOptions } from './build.js';
import { currentInputs, generatedHeader, readTests } from './inputs.js';
import { assessStaleness, moduleEditedSinceBuild } from './staleness.js';

/** What one intent's build shares with the rest of the build. */
export interface IntentBuildState {
  ports: BuildPorts;
  /** The build's lock, updated in place for what turns green. */
  lock: Lockfile;
  /** Each module as it was before the build, so whatever does not turn green can be put back. */
  originals: Map<string, string | undefined>;
  context: () => Promise<LoopContext>;
  /** Cache keys of the replies that reproduced the intent's bugs in this build. */
  bugReplies: string[];
}

/** Builds one intent when it is stale: fresh is skipped, green is locked, red is restored byte for byte. */
export async function buildIntent(intent: Intent, options: RunBuildOptions, state: IntentBuildState): Promise<ModuleResult> {
  const { ports, lock, originals } = state;
  const { workspace } = ports;
  const tests = await readTests(workspace, intent);
  const inputs = await currentInputs(intent, options, ports, lock, tests);
  const original = await workspace.read(intent.module);
  const moduleHash = original === undefined ? undefined : contentHash(original);
  const entry = lock.intents[intent.id];
  const staleness = assessStaleness(inputs, entry, { path: intent.module, sha256: moduleHash });
  const base = {
    id: intent.id,
    module: intent.module,
    attempts: 0,
    tests: { passed: 0, failed: 0 },
    tokens: { prompt: 0, completion: 0 },
    reasons: staleness.reasons,
    ms: 0,
  };
  if (!staleness.stale) return { ...base, status: 'fresh' };
  await refuseUnsafeOverwrite(intent, options, entry, original);
  ports.reporter.intentStart(intent, staleness.reasons);
  if (!originals.has(intent.module)) originals.set(intent.module, original);
  const [context, checker, guard] = await Promise.all([state.context(), ports.checker(), ports.guard()]);
  const usedApis = await Promise.all(intent.uses.map((id) => usedApi(id, options.intents, checker)));
  const shown = tests.filter((file) => !options.isSecretPath?.(file.path));
  const tooLarge = promptSizeProblem(
    { templates: options.templates, intent, usedApis, tests: shown, maxAttempts: options.maxAttempts },
    options.maxPromptTokens,
  );
  if (tooLarge) throw new InputError(tooLarge);
  const holdoutSources = await Promise.all(intent.holdout.map(async (path) => (await workspace.read(path)) ?? ''));
  const loop = await runBuildLoop({
    ...context,
    intent,
    templates: options.templates,
    usedApis,
    tests: shown,
    holdoutSources,
    header: generatedHeader(intent),
    expectedTests: entry && entry.inputs.tests === inputs.tests ? entry.output.tests : undefined,
    checker,
    guard,
  });
  const result = { ...base, attempts: loop.attempts, tests: loop.tests, tokens: loop.tokens };
  if (loop.status !== 'built') {
    await restore(workspace, intent.module, original);
    return { ...result, status: loop.status, failure: loop.feedback };
  }
  const api = await checker.extractApi(intent.module);
  const regressions = intent.regressions ?? [];
  lock.intents[intent.id] = {
    intent: intent.file,
    module: intent.module,
    ...(regressions.length > 0 ? { regressions } : {}),
    inputs,
    output: {
      sha256: contentHash(loop.content),
      api: sha256(api),
      tests: loop.collected,
      replies: [...new Set([...state.bugReplies, ...loop.replies])],
    },
  };
  return { ...result, status: 'built' };
}

/** A stale module may be replaced when ainative wrote it, when git can give it back, or when the user said --force. */
async function refuseUnsafeOverwrite(
  intent: Intent,
  options: RunBuildOptions,
  entry: LockEntry | undefined,
  original: string | undefined,
): Promise<void> {
  if (options.force || original === undefined) return;
  const hash = contentHash(original);
  if (entry && entry.module === intent.module && entry.output.sha256 === hash) return;
  const reason = await options.guardOverwrite(intent.module);
  if (entry && entry.module === intent.module && moduleEditedSinceBuild(entry, hash))
    throw new RefusalError(handEditAdvice(intent, reason !== undefined));
  if (reason) throw new RefusalError(`${intent.module}: ${reason}; commit or discard it, or use --force`);
}

/** What to do about a hand edit: committing it would not help (the module would still differ from the lock). */
function handEditAdvice(intent: Intent, uncommitted: boolean): string {
  const edited = `${intent.module}: edited since ainative generated it (its hash differs from ainative.lock)`;
  if (uncommitted)
    return `${edited}, and the edit is not committed; undo the edit to let ainative regenerate the module, or use --force to regenerate over it`;
  return `${edited}, and the edit is committed, so git would not bring ainative's version back; use --force to regenerate over the edit, or keep the change by describing it in ${intent.file} (or its tests) and then building with --force`;
}

async function usedApi(id: string, intents: Intent[], checker: TypeChecker): Promise<UsedApi> {
  const used = intents.find((candidate) => candidate.id === id);
  // The intent set was validated: every id in `uses` names an intent.
  if (!used) throw new Error(`intent '${id}' is used but not declared`);
  return { id, module: used.module, declarations: await checker.extractApi(used.module) };
}

/** Puts `path` back to `original` (removes it when it did not exist); `known` false means nothing was recorded. */
export async function restore(workspace: Workspace, path: string, original: string | undefined, known = true): Promise<void> {
  if (!known) return;
  if (original === undefined) await workspace.remove(path);
  else if ((await workspace.read(path)) !== original) await workspace.write(path, original);
}

/** Puts every recorded module back. */
export async function restoreAll(workspace: Workspace, originals: Map<string, string | undefined>): Promise<void> {
  for (const [path, original] of originals) await restore(workspace, path, original);
}
