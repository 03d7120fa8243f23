import type { Config } from '../core/project/config.js';
import { inputsFromHashes, type InputHashes } from '../core/build/inputs.js';
import { emptyLock, sha256 } from '../core/project/lock.js';
import type { TypeChecker } from '../core/ports.js';
import { assessStaleness, moduleEditedSinceBuild } from '../core/build/staleness.js';
import { loadPromptTemplates } from '../adapters/project/package-files.js';
import type { Intent } from '../core/project/intent.js';
import { processEnvironment } from '../adapters/project/config-loader.js';
import type { ProjectFiles } from '../adapters/repo/file-index.js';
import { openProject, type Project } from './project.js';
import { namedIntents } from './select-intents.js';
import { lastFailureLine } from '../core/build/transcript.js';
import { stateDirOf } from '../adapters/repo/state-dir.js';
import { readTranscripts } from '../adapters/repo/transcripts.js';

/** One intent as `ainative status` reports it. */
export interface IntentStatus {
  id: string;
  module: string;
  state: 'fresh' | 'stale';
  reasons: string[];
  /** The module on disk differs from what ainative wrote. */
  editedByHand: boolean;
  /** How the module runs under test; `shared` is weaker (see Intent.isolation). */
  isolation: Intent['isolation'];
  /** A stale intent the last build that worked on it left red: the first line of its last feedback. */
  lastFailure?: string;
}

/** `ainative status [intent...]`: the intents (the named ones and what they use, or all), their bugs, and why the stale ones last failed. */
export async function statusReport(
  cwd: string,
  flags: Partial<Config>,
  ids: string[],
): Promise<{ intents: IntentStatus[]; bugs: BugStatusLine[]; sandbox: string }> {
  const project = await openProject(cwd, flags);
  const named = namedIntents(project, ids);
  const { tierFor } = await import('../adapters/test-host/sandboxed-runner.js');
  const [intents, sandbox] = await Promise.all([assessProject(project, named), tierFor(project.config.sandbox, processEnvironment())]);
  const stale = intents.filter((status) => status.state === 'stale').map((status) => status.id);
  const failures = stale.length > 0 ? await lastFailures(project.gitRoot, stale) : new Map<string, string>();
  const bugs = (await bugStatuses(cwd)).filter((bug) => named.some((intent) => intent.id === bug.intent));
  return {
    intents: intents.map((status) => (failures.has(status.id) ? { ...status, lastFailure: failures.get(status.id) } : status)),
    bugs,
    sandbox,
  };
}

/** Per intent, the first line of its last feedback when the last build that worked on it left it red. */
async function lastFailures(gitRoot: string, ids: string[]): Promise<Map<string, string>> {
  const failures = new Map<string, string>();
  const pending = new Set(ids);
  for await (const transcript of readTranscripts(await stateDirOf(gitRoot))) {
    for (const id of [...pending]) {
      if (!transcript.ends.some((end) => end.intent === id)) continue;
      pending.delete(id);
      const line = lastFailureLine(transcript, id);
      if (line) failures.set(id, line);
    }
    if (pending.size === 0) break;
  }
  return failures;
}

/** Fresh or stale per intent, from hashes alone (the compiler loads only when a used module changed). */
export async function assessProject(project: Project, intents: Intent[] = project.intents): Promise<IntentStatus[]> {
  const { hash } = await loadPromptTemplates();
  const { files } = project;
  const lock = project.lock ?? emptyLock();
  let checker: Promise<TypeChecker> | undefined;
  const loadChecker = () =>
    (checker ??= import('../adapters/typescript/checker.js').then(({ createTsChecker }) => createTsChecker({ root: project.root })));
  const statuses: IntentStatus[] = [];
  for (const declared of intents) {
    // Regression tests frozen from fixed bugs judge the module too, as the build counts them.
    const regressions = (lock.intents[declared.id]?.regressions ?? []).filter((path) => files.exists(path));
    const intent = { ...declared, tests: [...declared.tests, ...regressions.filter((path) => !declared.tests.includes(path))] };
    const inputs = await inputsFromHashes(
      intent,
      { intents: project.intents, promptHash: hash, model: project.config.model },
      hashesOf(intent, files),
      loadChecker,
      lock,
    );
    const moduleHash = files.hash(intent.module);
    const entry = lock.intents[intent.id];
    const staleness = assessStaleness(inputs, entry, { path: intent.module, sha256: moduleHash });
    statuses.push({
      id: intent.id,
      module: intent.module,
      state: staleness.stale ? 'stale' : 'fresh',
      reasons: staleness.reasons,
      editedByHand: moduleEditedSinceBuild(entry, moduleHash),
      isolation: intent.isolation,
    });
  }
  files.save();
  return statuses;
}

/** An intent's input hashes from the project's files (its text was read with the intent file, whose hash is the text's). */
function hashesOf(intent: Intent, files: ProjectFiles): InputHashes {
  return {
    intent: files.hash(intent.file) ?? sha256(intent.text),
    tests: Object.fromEntries(intent.tests.map((path) => [path, files.hash(path)])),
    file: async (path) => files.hash(path),
  };
}

/** One bug report as `ainative status` lists it: open, unreproduced (open, but no failing test could be written) or fixed. */
export interface BugStatusLine {
  file: string;
  intent: string;
  status: 'open' | 'unreproduced' | 'fixed';
  regressionTest?: string;
  note?: string;
}

/** The bug reports under bugs/, for `ainative status`. */
async function bugStatuses(cwd: string): Promise<BugStatusLine[]> {
  const project = await openProject(cwd, {});
  // Imported here: bug-files brings globbing and atomic writes, which the no-op build path never needs.
  const { readBugs } = await import('../adapters/project/bug-files.js');
  const { bugs } = await readBugs(project.root);
  return bugs.map((bug) => ({
    file: bug.file,
    intent: bug.intent,
    status: bug.status === 'fixed' ? 'fixed' : bug.status === 'unreproduced' || (bug.note && !bug.regressionTest) ? 'unreproduced' : 'open',
    ...(bug.regressionTest ? { regressionTest: bug.regressionTest } : {}),
    ...(bug.note ? { note: bug.note } : {}),
  }));
}
