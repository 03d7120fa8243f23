import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../core/project/config.js';
import { EXIT, InputError } from '../core/errors.js';
import { readBugs } from '../adapters/project/bug-files.js';
import type { TestRunResult } from '../core/ports.js';
import { processEnvironment } from '../adapters/project/config-loader.js';
import { collectSecrets } from '../adapters/repo/secrets.js';
import { openProject, type Project } from './project.js';
import { assessProject } from './status.js';

/** One reason `ainative check` fails. */
export interface CheckProblem {
  kind: 'stale' | 'edited' | 'orphaned-lock-entry' | 'bug-without-test' | 'tests-failing';
  /** The file the user should look at. */
  file: string;
  message: string;
}

export interface CheckResult {
  exitCode: number;
  problems: CheckProblem[];
  tests: { passed: number; failed: number } | undefined;
}

/** `ainative check`: the CI gate. Never calls a model: drift since the lock, then every intent's tests (regression tests included) once. */
export async function checkCommand(cwd: string, flags: Partial<Config>): Promise<CheckResult> {
  // The CI gate judges by contents alone: every file is read and hashed, no index from earlier runs is trusted.
  const project = await openProject(cwd, flags, { fileIndex: false });
  const problems = [...(await driftProblems(project)), ...(await bugProblems(project))];
  if (problems.length > 0) return { exitCode: EXIT.drift, problems, tests: undefined };
  const tests = await runAllTests(project);
  if (tests.failed > 0 || tests.fileErrors.length > 0 || tests.passed === 0) {
    const failing = tests.failures.map((failure) => ({
      kind: 'tests-failing' as const,
      file: failure.file,
      message: `${failure.name}: ${failure.message.split('\n')[0]}`,
    }));
    const broken = tests.fileErrors.map((error) => ({
      kind: 'tests-failing' as const,
      file: error.file,
      message: error.message.split('\n')[0]!,
    }));
    return {
      exitCode: EXIT.testsFailing,
      problems: [...failing, ...broken],
      tests: { passed: tests.passed, failed: tests.failed + tests.fileErrors.length },
    };
  }
  return { exitCode: EXIT.ok, problems: [], tests: { passed: tests.passed, failed: 0 } };
}

async function driftProblems(project: Project): Promise<CheckProblem[]> {
  const problems: CheckProblem[] = [];
  for (const status of await assessProject(project)) {
    const intent = project.intents.find((candidate) => candidate.id === status.id)!;
    if (status.state === 'stale')
      problems.push({
        kind: 'stale',
        file: intent.file,
        message: `${status.id} is stale: ${status.reasons.join('; ')} (run ainative build)`,
      });
    if (status.editedByHand)
      problems.push({
        kind: 'edited',
        file: status.module,
        message: `${status.module} was edited by hand since ainative generated it (edit ${intent.file} instead)`,
      });
  }
  for (const [id, entry] of Object.entries(project.lock?.intents ?? {})) {
    if (!project.intents.some((intent) => intent.id === id)) {
      problems.push({
        kind: 'orphaned-lock-entry',
        file: 'ainative.lock',
        message: `ainative.lock has an entry for '${id}' (${entry.intent}), but that intent no longer exists`,
      });
    }
  }
  return problems;
}

/** Open bug reports (bugs/*.md, status: open) must have a regression test that exists. A bug file that does not parse is bad input, as for build. */
async function bugProblems(project: Project): Promise<CheckProblem[]> {
  const { bugs, errors } = await readBugs(project.root);
  if (errors.length > 0) throw new InputError(errors.join('\n'));
  return bugs
    .filter((bug) => bug.status === 'open' && !(bug.regressionTest && existsSync(join(project.root, bug.regressionTest))))
    .map((bug) => ({
      kind: 'bug-without-test',
      file: bug.file,
      message: `${bug.file} is an open bug without a regression test (run ainative fix ${bug.file})`,
    }));
}

async function runAllTests(project: Project): Promise<TestRunResult> {
  const { createSandboxedRunner } = await import('../adapters/test-host/sandboxed-runner.js');
  const { confinementFor } = await import('../adapters/test-host/confinement.js');
  const env = processEnvironment();
  const { secretFiles } = await collectSecrets(project.root, env);
  const runner = await createSandboxedRunner({
    root: project.root,
    configFile: false,
    sandbox: project.config.sandbox,
    runTimeoutMs: project.config.testRunTimeoutMs,
    env,
    hiddenPaths: secretFiles.map((path) => join(project.root, path)),
    // One run, then done: no threads to keep booted for later.
    spareWorkers: 0,
    confinement: confinementFor(project.intents),
  });
  try {
    // The regression tests frozen from fixed bugs judge their intents too, as in the build.
    const regressions = project.intents
      .flatMap((intent) => project.lock?.intents[intent.id]?.regressions ?? [])
      .filter((path) => existsSync(join(project.root, path)));
    const files = [...new Set(project.intents.flatMap((intent) => [...intent.tests, ...intent.holdout]).concat(regressions))];
    return await runner.run(files, []);
  } finally {
    await runner.close();
  }
}
