import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildReporter, ModuleResult, RunBuildResult } from '../core/build/build.js';
import type { Config } from '../core/project/config.js';
import { EXIT, InputError } from '../core/errors.js';
import type { Intent } from '../core/project/intent.js';
import { emptyLock } from '../core/project/lock.js';
import { configuredPrice, type Price } from '../core/build/cost.js';
import { processEnvironment } from '../adapters/project/config-loader.js';
import { loadProject, locateProject, type ProjectLocation } from './project.js';
import { namedIntents } from './select-intents.js';
import { assessProject } from './status.js';
import { writeBuildSummary } from './build-summary.js';
import { freshFromRecord, recordFresh, type FreshIntent } from './fresh-build.js';
import type { Project } from './project.js';

/** Set by ainative's own --commit for the hooks it triggers; the same name as git/commit.ts's IN_COMMIT_ENV, which is not imported here to keep the no-op path light. */
const IN_COMMIT_ENV = 'AINATIVE_IN_COMMIT';

export interface BuildCommandOptions {
  cwd: string;
  /** `ainative fix [bug-file]`: only these bug files (all open ones when empty), and only their intents. */
  fix?: string[];
  /** `ainative build [intent...]`: only these intents and what they use (all when empty). */
  intents?: string[];
  /** The settings given as flags (see core/project/settings.ts); the project's config file and environment fill in the rest. */
  flags: Partial<Config>;
  reporter: BuildReporter;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
  /** One-line notices for the user (no sandbox, a journal recovered). */
  warn: (message: string) => void;
}

export interface BuildCommandResult {
  exitCode: number;
  build: RunBuildResult;
  /** Removes secrets from anything printed. */
  redact: (text: string) => string;
  /** Replies served from .ainative/cache instead of the model. */
  replayed: number;
  /** The commit made by --commit. */
  commitSha?: string;
  /** With --shard: the intents this shard owns (the others it built are what those use). */
  owned?: string[];
  /** What the test host did, when tests ran: vitest runs (queued runs share one) and the time they took. */
  testHost?: { runs: number; ms: number; cpuMs: number; tier: 'bwrap' | 'permission' | 'none' };
  /** Intents built with `isolation: shared`: their modules ran unconfined, in the test realm. */
  shared?: string[];
  /** HTTP requests sent to the model provider, the SDK's retries included (`retries` of them). */
  requests: ProviderRequests;
  /** What tokens cost, when both prices are configured. */
  price?: Price;
}

/** HTTP requests sent to the model provider. */
export interface ProviderRequests {
  /** Every request, retries included. */
  total: number;
  /** Requests the openai SDK sent again after a connection error, 408, 409, 429 or 5xx. */
  retries: number;
}

/** `ainative build`: regenerate every stale intent until its tests pass, safely. */
export async function buildCommand(options: BuildCommandOptions): Promise<BuildCommandResult> {
  const location = await locateProject(options.cwd, options.flags);
  const { price, problem } = configuredPrice(location.config);
  if (problem) throw new InputError(problem);
  if (options.intents?.length && location.config.select !== 'all')
    throw new InputError(`name intents or pass --${location.config.select}, not both`);
  const result = await freshOrBuilt(location, options, price);
  await writeBuildSummary(options.cwd, location.config.summary, result);
  return result;
}

async function freshOrBuilt(
  location: ProjectLocation,
  options: BuildCommandOptions,
  price: Price | undefined,
): Promise<BuildCommandResult> {
  const plain = plainBuild(location, options);
  const everyIntent = !options.intents?.length;
  // Nothing changed since the last build found every intent fresh: stat the files it was made from and stop.
  const remembered = plain && everyIntent ? await freshFromRecord(location) : undefined;
  if (remembered) return reportFresh(remembered, options, price);
  const project = await loadProject(location);
  const named = namedIntents(project, options.intents);
  // ainative's own --commit runs the pre-commit hook; building again inside it would wait on our own lock.
  if (project.config.select === 'staged' && processEnvironment()[IN_COMMIT_ENV]) return nothingBuilt([], price);
  const fresh = plain ? await everythingFresh(project, named, everyIntent) : undefined;
  if (fresh) return reportFresh(fresh, options, price);
  // The build proper loads the sandbox, the cache, git helpers and the journal: only when there is work.
  const { runLockedBuild } = await import('./build-run.js');
  return runLockedBuild(project, options, { named, price });
}

/** A plain build (every intent, nothing forced, staged or committed, no bug report waiting) may stop when all is fresh. */
function plainBuild(location: ProjectLocation, options: BuildCommandOptions): boolean {
  const { select, shard, stage, commit, force } = location.config;
  return select === 'all' && !options.fix && !shard && !stage && !commit && !force && !existsSync(join(location.root, 'bugs'));
}

/**
 * The no-op check without the build lock: every intent fresh, from hashes only (no compiler, no test host). Returns
 * the intents in build order, or undefined when any is stale; records the verdict for the next no-op build.
 */
async function everythingFresh(project: Project, named: Intent[], everyIntent: boolean): Promise<FreshIntent[] | undefined> {
  const statuses = await assessProject(project, named);
  if (statuses.some((status) => status.state === 'stale')) return undefined;
  // The record stands for the whole project: a verdict on the named intents only is not one.
  if (everyIntent) await recordFresh(project, statuses);
  return statuses;
}

function reportFresh(intents: FreshIntent[], options: BuildCommandOptions, price: Price | undefined): BuildCommandResult {
  const modules: ModuleResult[] = intents.map(({ id, module }) => ({
    id,
    module,
    status: 'fresh',
    attempts: 0,
    tests: { passed: 0, failed: 0 },
    tokens: { prompt: 0, completion: 0 },
    reasons: [],
    ms: 0,
  }));
  for (const module of modules) options.reporter.intentEnd(module);
  return nothingBuilt(modules, price);
}

function nothingBuilt(modules: ModuleResult[], price: Price | undefined): BuildCommandResult {
  const build: RunBuildResult = { ok: true, modules, lock: emptyLock(), lockChanged: false };
  return { exitCode: EXIT.ok, build, redact: (text) => text, replayed: 0, requests: { total: 0, retries: 0 }, ...(price ? { price } : {}) };
}
