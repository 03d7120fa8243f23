// The repair loop's ports over one in-memory repo, shared by the unit tests of the loops and of the build. Test
// support only: never imported by src.
import type { BuildPorts, BuildReporter } from '../build/build.js';
import type { ModelClient, ModelReply, TypeProblem } from '../ports.js';
import { ContentRunner, MemoryProtectedFiles, MemoryWorkspace, ScriptedChecker, ScriptedGuard, ScriptedModel } from './fakes.js';

/** How a test run judges the repo as it is when it runs. */
export type Judge = ConstructorParameters<typeof ContentRunner>[1];

export interface MemoryLoopOptions {
  /** The whole repo before the loop. */
  files: Record<string, string>;
  /** The model's replies, in order. */
  script?: Array<ModelReply | Error>;
  judge: Judge;
  /** The files the loop must leave as they were (tests, holdout tests). */
  protectedPaths: string[];
  /** Type problems per checked code; none by default. */
  problemsFor?: (code: string) => TypeProblem[];
  /** A guard that finds nothing by default. */
  guard?: ScriptedGuard;
}

/** The ports runBuildLoop and runReproduceLoop take, each an in-memory fake over the same workspace. */
export interface MemoryLoop {
  workspace: MemoryWorkspace;
  model: ScriptedModel;
  runner: ContentRunner;
  checker: ScriptedChecker;
  guard: ScriptedGuard;
  protectedFiles: MemoryProtectedFiles;
}

/** A repo in memory with a scripted model, a runner that judges it with `judge`, and its protected files. */
export function createMemoryLoop(options: MemoryLoopOptions): MemoryLoop {
  const workspace = new MemoryWorkspace(options.files);
  return {
    workspace,
    model: new ScriptedModel(options.script ?? []),
    runner: new ContentRunner(workspace, options.judge),
    checker: new ScriptedChecker(workspace, options.problemsFor),
    guard: options.guard ?? new ScriptedGuard(),
    protectedFiles: new MemoryProtectedFiles(workspace, options.protectedPaths),
  };
}

/** A reporter that shows nothing. */
const QUIET: BuildReporter = { intentStart() {}, attemptStart() {}, attempt() {}, intentEnd() {} };

/** How many times the build asked for each port it creates on first use. */
export interface CreatedPorts {
  model: number;
  checker: number;
  runner: number;
}

/** runBuild's ports over a memory loop (whose model may be any ModelClient), counting the lazily created ones. */
export function memoryBuildPorts(
  loop: Omit<MemoryLoop, 'model'> & { model: ModelClient },
  reporter: BuildReporter = QUIET,
): { ports: BuildPorts; created: CreatedPorts } {
  const created: CreatedPorts = { model: 0, checker: 0, runner: 0 };
  const ports: BuildPorts = {
    workspace: loop.workspace,
    guard: async () => loop.guard,
    protectedFiles: loop.protectedFiles,
    model: async () => {
      created.model++;
      return loop.model;
    },
    checker: async () => {
      created.checker++;
      return loop.checker;
    },
    runner: async () => {
      created.runner++;
      return loop.runner;
    },
    reporter,
  };
  return { ports, created };
}
