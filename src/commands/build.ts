import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../core/config.js';
import { EXIT, InterruptedError } from '../core/errors.js';
import { runBuild, type BuildReporter, type RunBuildResult } from '../core/build.js';
import { LOCK_FILE, serializeLock } from '../core/lock.js';
import type { ModelClient, TestRunner, TypeChecker } from '../core/ports.js';
import { createFsWorkspace } from '../adapters/fs-workspace.js';
import { uncommittedReason } from '../adapters/git.js';
import { createOpenAiModel } from '../adapters/openai-model.js';
import { loadPromptTemplates } from '../adapters/package-files.js';
import { openProject, type Project } from './project.js';

export interface BuildCommandOptions {
  cwd: string;
  flags: Partial<Config>;
  force: boolean;
  reporter: BuildReporter;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
}

export interface BuildCommandResult {
  exitCode: number;
  build: RunBuildResult;
}

/** `ainative build`: regenerate every stale intent until its tests pass. */
export async function buildCommand(options: BuildCommandOptions): Promise<BuildCommandResult> {
  const project = await openProject(options.cwd, options.flags);
  const { templates, hash } = await loadPromptTemplates();
  const workspace = createFsWorkspace(project.root);
  const lazy = lazyPorts(project);
  try {
    const build = await runBuild(
      {
        intents: project.intents,
        lock: project.lock,
        templates,
        promptHash: hash,
        model: project.config.model,
        maxAttempts: project.config.maxAttempts,
        force: options.force,
        guardOverwrite: (path) => uncommittedReason(project.gitRoot, join(project.root, path)),
        signal: options.signal,
      },
      { workspace, reporter: options.reporter, ...lazy.ports },
    );
    if (options.signal.aborted) throw new InterruptedError();
    if (build.lockChanged) await workspace.write(LOCK_FILE, serializeLock(build.lock));
    return { exitCode: build.ok ? EXIT.ok : EXIT.testsFailing, build };
  } finally {
    await lazy.close();
  }
}

/** Model, type checker and test runner, each created on first use and at most once. */
function lazyPorts(project: Project) {
  let model: ModelClient | undefined;
  let checker: Promise<TypeChecker> | undefined;
  let runner: Promise<TestRunner> | undefined;
  return {
    ports: {
      model: async () => (model ??= createOpenAiModel(project.config)),
      checker: () =>
        (checker ??= import('../adapters/ts-checker.js').then(({ createTsChecker }) => createTsChecker({ root: project.root }))),
      runner: () =>
        (runner ??= import('../adapters/vitest-runner.js').then(({ createVitestRunner }) =>
          createVitestRunner({ root: project.root, configFile: userVitestConfig(project.root) }),
        )),
    },
    async close() {
      // A runner that failed to start has nothing to close; its error already reached the user.
      if (runner) await runner.then((started) => started.close(), () => undefined);
    },
  };
}

/** The user's vitest config is honoured only when the repo can load it (it has its own vitest installed). */
function userVitestConfig(root: string): string | false {
  if (!existsSync(join(root, 'node_modules', 'vitest'))) return false;
  const name = ['vitest.config.ts', 'vitest.config.mts', 'vitest.config.js', 'vitest.config.mjs'].find((file) => existsSync(join(root, file)));
  return name ? join(root, name) : false;
}
