import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildReporter, ModuleResult, RunBuildResult } from '../core/build/build.js';
import type { Config } from '../core/project/config.js';
import { EXIT, InputError } from '../core/errors.js';
import type { Intent } from '../core/project/intent.js';
import { emptyLock } from '../core/project/lock.js';
import { configuredPrice, type Price } from '../core/build/cost.js';
import { processEnvironment } from '../adapters/project/config-loader.js';
import { openProject, type Project } from './project.js';
import { namedIntents } from './select-intents.js';
import { assessProject } from './status.js';
import { writeBuildSummary } from './build-summary.js';

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
  const project = await openProject(options.cwd, options.flags);
  const { price, problem } = configuredPrice(project.config);
  if (problem) throw new InputError(problem);
  if (options.intents?.length && project.config.select !== 'all') throw new InputError(`name intents or pass --${project.config.select}, not both`);
  const named = namedIntents(project, options.intents);
  // ainative's own --commit runs the pre-commit hook; building again inside it would wait on our own lock.
  if (project.config.select === 'staged' && processEnvironment()[IN_COMMIT_ENV]) return nothingBuilt([], price);
  const result = await freshOrBuilt(project, named, options, price);
  if (project.config.summary) await writeBuildSummary(options.cwd, project.config.summary, result);
  return result;
}

async function freshOrBuilt(project: Project, named: Intent[], options: BuildCommandOptions, price: Price | undefined): Promise<BuildCommandResult> {
  const fresh = await everythingFresh(project, named, options);
  if (fresh) {
    for (const module of fresh) options.reporter.intentEnd(module);
    return nothingBuilt(fresh, price);
  }
  // The build proper loads the sandbox, the cache, git helpers and the journal: only when there is work.
  const { runLockedBuild } = await import('./build-run.js');
  return runLockedBuild(project, options, { named, price });
}

/**
 * The no-op fast path: when a plain build finds every intent fresh (hashes only, no compiler, no test host) and
 * no bug report waits, it reports that without taking the build lock. Returns the fresh results, or undefined.
 */
async function everythingFresh(project: Project, named: Intent[], options: BuildCommandOptions): Promise<ModuleResult[] | undefined> {
  const { select, shard, stage, commit, force } = project.config;
  if (select !== 'all' || options.fix || shard || stage || commit || force) return undefined;
  if (existsSync(join(project.root, 'bugs'))) return undefined;
  const statuses = await assessProject(project, named);
  if (statuses.some((status) => status.state === 'stale')) return undefined;
  return statuses.map((status) => ({
    id: status.id,
    module: status.module,
    status: 'fresh',
    attempts: 0,
    tests: { passed: 0, failed: 0 },
    tokens: { prompt: 0, completion: 0 },
    reasons: [],
    ms: 0,
  }));
}

function nothingBuilt(modules: ModuleResult[], price: Price | undefined): BuildCommandResult {
  const build: RunBuildResult = { ok: true, modules, lock: emptyLock(), lockChanged: false };
  return { exitCode: EXIT.ok, build, redact: (text) => text, replayed: 0, requests: { total: 0, retries: 0 }, ...(price ? { price } : {}) };
}
