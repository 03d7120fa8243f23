import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildReporter, ModuleResult, RunBuildResult } from '../core/build/build.js';
import type { Config } from '../core/project/config.js';
import { EXIT } from '../core/errors.js';
import { emptyLock } from '../core/project/lock.js';
import { processEnvironment } from '../adapters/project/config-loader.js';
import { loadProject, locateProject, type Project, type ProjectLocation } from './project.js';
import { assessProject } from './status.js';
import { freshFromRecord, recordFresh, type FreshIntent } from './fresh-build.js';

/** Set by ainative's own --commit for the hooks it triggers; the same name as git/commit.ts's IN_COMMIT_ENV, which is not imported here to keep the no-op path light. */
const IN_COMMIT_ENV = 'AINATIVE_IN_COMMIT';

export interface BuildCommandOptions {
  cwd: string;
  /** `ainative fix [bug-file]`: only these bug files (all open ones when empty), and only their intents. */
  fix?: string[];
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
}

/** `ainative build`: regenerate every stale intent until its tests pass, safely. */
export async function buildCommand(options: BuildCommandOptions): Promise<BuildCommandResult> {
  const location = await locateProject(options.cwd, options.flags);
  const plain = plainBuild(location, options);
  // Nothing changed since the last build found every intent fresh: stat the files it was made from and stop.
  const remembered = plain ? await freshFromRecord(location) : undefined;
  if (remembered) return reportFresh(remembered, options);
  const project = await loadProject(location);
  // ainative's own --commit runs the pre-commit hook; building again inside it would wait on our own lock.
  if (project.config.select === 'staged' && processEnvironment()[IN_COMMIT_ENV]) return nothingBuilt([]);
  const fresh = plain ? await everythingFresh(project) : undefined;
  if (fresh) return reportFresh(fresh, options);
  // The build proper loads the sandbox, the cache, git helpers and the journal: only when there is work.
  const { runLockedBuild } = await import('./build-run.js');
  return runLockedBuild(project, options);
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
async function everythingFresh(project: Project): Promise<FreshIntent[] | undefined> {
  const statuses = await assessProject(project);
  if (statuses.some((status) => status.state === 'stale')) return undefined;
  await recordFresh(project, statuses);
  return statuses;
}

function reportFresh(intents: FreshIntent[], options: BuildCommandOptions): BuildCommandResult {
  const modules: ModuleResult[] = intents.map(({ id, module }) => ({
    id,
    module,
    status: 'fresh',
    attempts: 0,
    tests: { passed: 0, failed: 0 },
    tokens: { prompt: 0, completion: 0 },
    reasons: [],
  }));
  for (const module of modules) options.reporter.intentEnd(module);
  return nothingBuilt(modules);
}

function nothingBuilt(modules: ModuleResult[]): BuildCommandResult {
  const build: RunBuildResult = { ok: true, modules, lock: emptyLock(), lockChanged: false };
  return { exitCode: EXIT.ok, build, redact: (text) => text, replayed: 0 };
}
