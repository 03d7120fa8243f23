import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EXIT, InterruptedError, RefusalError } from '../core/errors.js';
import { runBuild, type BuildSettings, type RunBuildResult } from '../core/build/build.js';
import type { Config } from '../core/project/config.js';
import { LOCK_FILE, serializeLock } from '../core/project/lock.js';
import type { CompilerThread } from '../adapters/typescript/compiler-thread.js';
import type { SandboxedRunner, SandboxTier } from '../adapters/test-host/sandboxed-runner.js';
import { confinementFor } from '../adapters/test-host/confinement.js';
import { redactSecrets } from '../core/model/redact.js';
import { acquireBuildLock } from '../adapters/repo/build-lock.js';
import { processEnvironment } from '../adapters/project/config-loader.js';
import { createFsWorkspace } from '../adapters/repo/workspace.js';
import { uncommittedReason } from '../adapters/git/worktree.js';
import { stateDirOf } from '../adapters/repo/state-dir.js';
import { journaledWorkspace, openJournal, recoverJournal } from '../adapters/repo/journal.js';
import { ensureCacheGitattributes } from '../adapters/model/response-cache.js';
import { loadPromptTemplates } from '../adapters/project/package-files.js';
import { createProtectedFiles, protectedPaths } from '../adapters/repo/protected-files.js';
import { collectSecrets } from '../adapters/repo/secrets.js';
import { changedSinceHead, stagedPaths, unstagedPaths } from '../adapters/git/changes.js';
import { selectForBuild, selectShard } from '../core/build/select.js';
import type { OpenBug } from '../core/build/bugs.js';
import { greenReplies, openBugs, recordBugs, recordInGit } from './build-record.js';
import { preflightBuild } from './preflight.js';
import type { Intent } from '../core/project/intent.js';
import type { Price } from '../core/build/cost.js';
import type { Project } from './project.js';
import type { BuildCommandOptions, BuildCommandResult, ProviderRequests } from './build.js';
import { recordedReporter } from './build-transcript.js';
import { modelChain } from './model-chain.js';

/** What the command decided before the build: the intents named on the command line (with what they use), the price. */
export interface BuildChoice {
  named: Intent[];
  price: Price | undefined;
}

/** The build proper, under the repo's build lock, with crash journal, sandbox and cache. */
export async function runLockedBuild(project: Project, options: BuildCommandOptions, choice: BuildChoice): Promise<BuildCommandResult> {
  const stateDir = await stateDirOf(project.gitRoot);
  const release = await acquireBuildLock(stateDir, { pid: process.pid, command: 'ainative build', startedAt: new Date().toISOString() });
  try {
    const recovered = await recoverJournal(join(stateDir, 'journal'), project.root);
    if (recovered.length > 0) options.warn(`restored ${recovered.join(', ')} left half-built by an earlier build that did not finish`);
    return await buildWithLock(project, stateDir, options, choice);
  } finally {
    await release();
  }
}

async function buildWithLock(
  project: Project,
  stateDir: string,
  options: BuildCommandOptions,
  choice: BuildChoice,
): Promise<BuildCommandResult> {
  const env = processEnvironment();
  const { secrets, secretFiles } = await collectSecrets(project.root, env);
  const redact = (text: string) => redactSecrets(text, secrets);
  const { templates, reproduce, hash } = await loadPromptTemplates();
  const journal = await openJournal(join(stateDir, 'journal'), project.root);
  const workspace = journaledWorkspace(createFsWorkspace(project.root), journal);
  const bugs = await openBugs(project, options.fix);
  const { select, shard } = project.config;
  const chosen = chooseIntents(
    project,
    choice.named,
    select === 'all' ? undefined : await selectedChanges(project, select),
    options.fix ? bugs : undefined,
  );
  const sharded = shard ? selectShard(chosen, shard.index, shard.count) : undefined;
  const intents = sharded?.build ?? chosen;
  if (select === 'staged') await refuseUnstagedInputs(project, intents);
  await preflightBuild(project, intents, {
    templates,
    secretFiles,
    configMayAlias: userVitestConfig(project.root) !== false,
    warn: options.warn,
  });
  const watched = project.intents.flatMap(sourceFiles);
  const guarded = await protectedPaths(project.root, watched);
  const testDirs = testFolders(project);
  const requests: ProviderRequests = { total: 0, retries: 0 };
  const model = modelChain(project, hash, redact, requests);
  const recorded = recordedReporter(options.reporter, {
    stateDir,
    model: project.config.model,
    startedAt: new Date(),
    pid: process.pid,
    redact,
    warn: options.warn,
  });
  const lazy = lazyPorts(project, { env, hiddenPaths: secretFiles.map((path) => join(project.root, path)), redact, warn: options.warn });
  const deadline = project.config.buildTimeoutMs ? AbortSignal.timeout(project.config.buildTimeoutMs) : undefined;
  // On Ctrl-C or a spent time budget, stop the test process at once instead of waiting for its run to end.
  const stopTests = () => void lazy.close();
  options.signal.addEventListener('abort', stopTests, { once: true });
  deadline?.addEventListener('abort', stopTests, { once: true });
  try {
    const build = await runBuild(
      {
        intents,
        lock: project.lock,
        templates,
        promptHash: hash,
        ...buildSettings(project.config),
        guardOverwrite: (path) => uncommittedReason(project.gitRoot, join(project.root, path)),
        isSecretPath: (path) => secretFiles.includes(path),
        bugs: { open: bugs, templates: reproduce },
        signal: options.signal,
        deadline,
        price: choice.price,
      },
      {
        workspace,
        reporter: recorded.reporter,
        clock: () => performance.now(),
        guard: async () => {
          // The static guard runs in the compiler thread, next to the checker: this process never loads TypeScript.
          const thread = await lazy.compiler();
          return {
            inspect: (intent, code) =>
              thread.guard({
                modulePath: intent.module,
                code,
                protectedPaths: guarded,
                testDirs,
                allow: intent.allow,
                isolation: intent.isolation,
              }),
          };
        },
        protectedFiles: createProtectedFiles(project.root, guarded, ['test/regressions/**'], { gitDir: dirname(stateDir) }),
        model: async () => model,
        ...lazy.ports,
      },
    );
    if (options.signal.aborted) throw new InterruptedError();
    if (build.lockChanged) await workspace.write(LOCK_FILE, serializeLock(build.lock));
    const bugFiles = await recordBugs(project, workspace, build);
    await journal.commit();
    // Replies reach .ainative/cache only now, and only those of what turned green: a build stopped by an error or
    // Ctrl-C leaves no trace of them, and a red intent's replies are asked for again next time, not replayed.
    const wroteAttributes = (await model.flush(greenReplies(build))) > 0 && (await ensureCacheGitattributes(project.root));
    const commitSha = await recordInGit(project, build, wroteAttributes, bugFiles);
    const testHost = await lazy.testHost();
    const shared = intents.filter((intent) => intent.isolation === 'shared').map((intent) => intent.id);
    const price = choice.price ? { price: choice.price } : {};
    return {
      exitCode: exitCodeOf(build),
      build,
      redact,
      replayed: model.replayed,
      commitSha,
      owned: sharded?.owned,
      shared,
      requests,
      ...price,
      ...(testHost ? { testHost } : {}),
    };
  } catch (error) {
    // runBuild already put every module back; the journal has nothing left to restore.
    await journal.commit();
    throw error;
  } finally {
    await lazy.close();
    await recorded.close();
  }
}

/** The settings the core build takes from the project's resolved configuration. */
function buildSettings(config: Config): BuildSettings {
  const { model, maxAttempts, maxTokens, maxCost, maxPromptTokens, concurrency, samples, force } = config;
  return { model, maxAttempts, maxTokens, maxCost, maxPromptTokens, concurrency, samples, force };
}

async function selectedChanges(project: Project, select: 'changed' | 'staged'): Promise<string[]> {
  return select === 'staged' ? stagedPaths(project.gitRoot, project.root) : changedSinceHead(project.gitRoot, project.root);
}

/**
 * `--staged` (the pre-commit hook) builds from the work tree, but the commit takes the index: an intent or test with
 * unstaged edits would be built from text the commit does not hold, and `ainative check` would then find the commit
 * drifted. Refuses, naming the file, before anything is written.
 */
async function refuseUnstagedInputs(project: Project, intents: Intent[]): Promise<void> {
  const inputs = new Set(intents.flatMap(sourceFiles));
  const unstaged = (await unstagedPaths(project.gitRoot, project.root)).filter((path) => inputs.has(path));
  if (unstaged.length === 0) return;
  const more = unstaged.length > 1 ? ` (and ${unstaged.length - 1} more)` : '';
  throw new RefusalError(
    `${unstaged[0]}${more}: has changes that are not staged, and --staged builds from the work tree; stage them (git add) or set them aside (git stash --keep-index) first`,
  );
}

/** The files an intent is built from: the intent itself, its tests and its holdout tests. */
function sourceFiles(intent: Intent): string[] {
  return [intent.file, ...intent.tests, ...intent.holdout];
}

/** The intents a build takes on: those named (all by default), those touched by git changes, or those with the bugs being fixed. */
function chooseIntents(project: Project, named: Intent[], changed: string[] | undefined, fixing: OpenBug[] | undefined): Intent[] {
  if (fixing)
    return selectForBuild(
      fixing.map((bug) => project.intents.find((intent) => intent.id === bug.intent)?.file ?? ''),
      project.intents,
    );
  return changed ? selectForBuild(changed, project.intents) : named;
}

/** Folders holding tests and no module: the static guard forbids reaching into them. Colocated tests are covered by name. */
function testFolders(project: Project): string[] {
  const folderOf = (path: string) => path.split('/').slice(0, -1).join('/');
  const moduleFolders = new Set(project.intents.map((intent) => folderOf(intent.module)));
  const folders = project.intents.flatMap((intent) => [...intent.tests, ...intent.holdout]).map(folderOf);
  return [...new Set(folders)].filter((folder) => folder !== '' && !moduleFolders.has(folder));
}

function exitCodeOf(build: RunBuildResult): number {
  if (build.budgetExhausted) return EXIT.budget;
  if (!build.ok) return EXIT.testsFailing;
  return build.bugs?.some((bug) => bug.status === 'unreproduced') ? EXIT.bugUnreproduced : EXIT.ok;
}

interface SandboxSettings {
  env: NodeJS.ProcessEnv;
  hiddenPaths: string[];
  redact: (text: string) => string;
  warn: (message: string) => void;
}

/**
 * Most test threads to keep booted: one per intent in flight, at least two (a run of tests and holdout), at most
 * sixteen (~18 MB each). How many are booted follows the test files the build announces as its requests go out.
 */
function spareWorkersFor(concurrency: number): number {
  return Math.min(16, Math.max(2, concurrency));
}

/** Compiler thread (type checker and guard) and test runner, each created on first use and at most once. */
function lazyPorts(project: Project, sandbox: SandboxSettings) {
  let compiler: Promise<CompilerThread> | undefined;
  let runner: Promise<SandboxedRunner> | undefined;
  const startCompiler = () =>
    (compiler ??= import('../adapters/typescript/compiler-thread.js').then(({ createCompilerThread }) =>
      createCompilerThread({ root: project.root }),
    ));
  return {
    compiler: startCompiler,
    ports: {
      checker: startCompiler,
      runner: () =>
        (runner ??= import('../adapters/test-host/sandboxed-runner.js').then(({ createSandboxedRunner }) =>
          createSandboxedRunner({
            root: project.root,
            configFile: userVitestConfig(project.root),
            sandbox: project.config.sandbox,
            runTimeoutMs: project.config.testRunTimeoutMs,
            env: sandbox.env,
            hiddenPaths: sandbox.hiddenPaths,
            onWarning: sandbox.warn,
            spareWorkers: spareWorkersFor(project.config.concurrency),
            confinement: confinementFor(project.intents),
          }),
        )),
    },
    /** Runs, busy time and CPU time of the test host, when one was started. */
    async testHost(): Promise<{ runs: number; ms: number; cpuMs: number; tier: SandboxTier } | undefined> {
      const started = await runner?.catch(() => undefined);
      return started
        ? { runs: started.hostRuns, ms: Math.round(started.busyMs), cpuMs: Math.round(started.hostCpuMs), tier: started.tier }
        : undefined;
    },
    async close() {
      // A runner that failed to start has nothing to close; its error already reached the user.
      if (runner)
        await runner.then(
          (started) => started.close(),
          () => undefined,
        );
      if (compiler)
        await compiler.then(
          (started) => started.close(),
          () => undefined,
        );
    },
  };
}

/** The user's vitest config is honoured only when the repo can load it (it has its own vitest installed). */
function userVitestConfig(root: string): string | false {
  if (!existsSync(join(root, 'node_modules', 'vitest'))) return false;
  const name = ['vitest.config.ts', 'vitest.config.mts', 'vitest.config.js', 'vitest.config.mjs'].find((file) =>
    existsSync(join(root, file)),
  );
  return name ? join(root, name) : false;
}
