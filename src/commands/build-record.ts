import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import type { RunBuildResult } from '../core/build/build.js';
import type { OpenBug } from '../core/build/bugs.js';
import { regressionTestPath, serializeBug, type Bug } from '../core/project/bug.js';
import { LOCK_FILE } from '../core/project/lock.js';
import type { Workspace } from '../core/ports.js';
import { readBugs } from '../adapters/project/bug-files.js';
import { commitGenerated, stagePaths } from '../adapters/git/commit.js';
import type { Project } from './project.js';

// What a build records besides modules and the lock: which cache entries are kept, the bug files, git.

/** Cache keys of the replies the intents built green in this build used (their lock entries list them). */
export function greenReplies(build: RunBuildResult): Set<string> {
  const built = build.modules.filter((module) => module.status === 'built');
  return new Set(built.flatMap((module) => build.lock.intents[module.id]?.output.replies ?? []));
}

/** Stages or commits exactly the files this build wrote: built modules, the lock, their cache entries. */
export async function recordInGit(
  project: Project,
  build: RunBuildResult,
  wroteAttributes: boolean,
  bugFiles: string[],
): Promise<string | undefined> {
  const { stage, commit } = project.config;
  const built = build.modules.filter((module) => module.status === 'built');
  if ((!stage && !commit) || built.length === 0) return undefined;
  const cacheFiles = [...greenReplies(build)]
    .map((key) => `.ainative/cache/${key.slice(0, 2)}/${key}.json`)
    .filter((path) => existsSync(join(project.root, path)));
  const fixed = (build.bugs ?? []).flatMap((bug) => (bug.status === 'fixed' ? [bug] : []));
  const regressions = fixed.map((bug) => bug.regressionTest);
  const paths = [
    ...new Set([
      ...built.map((module) => module.module),
      LOCK_FILE,
      ...cacheFiles,
      ...regressions,
      ...bugFiles,
      ...(wroteAttributes ? ['.gitattributes'] : []),
    ]),
  ];
  if (stage) await stagePaths(project.gitRoot, project.root, paths);
  if (!commit) return undefined;
  const attempts = Object.fromEntries(built.map((module) => [module.id, module.attempts]));
  const extraTrailers = fixed.length > 0 ? { Fixes: fixed.map((bug) => bug.file).join(', ') } : undefined;
  return commitGenerated(project.gitRoot, project.root, {
    paths,
    intents: built.map((module) => module.id),
    model: project.config.model,
    attempts,
    extraTrailers,
  });
}

/** Open bug reports (all, or the ones `ainative fix` names), with where their regression tests go. */
export async function openBugs(project: Project, only: string[] | undefined): Promise<OpenBug[]> {
  const { bugs, errors } = await readBugs(project.root);
  if (errors.length > 0) throw new InputError(errors.join('\n'));
  const wanted = only && only.length > 0 ? new Set(only.map((file) => file.replace(/^\.\//, ''))) : undefined;
  for (const file of wanted ?? []) {
    if (!bugs.some((bug) => bug.file === file)) throw new InputError(`${file}: no such bug file`);
  }
  return bugs
    .filter((bug) => (wanted ? wanted.has(bug.file) && bug.status !== 'fixed' : bug.status === 'open'))
    .map((bug) => {
      const testPath = bug.regressionTest ?? regressionTestPath(bug.file);
      return { file: bug.file, intent: bug.intent, body: bug.body, testPath, reproduced: bug.regressionTest !== undefined };
    });
}

/** Writes back what happened to each bug: fixed (with test and module hash), or still open with a test or a note. */
export async function recordBugs(project: Project, workspace: Workspace, build: RunBuildResult): Promise<string[]> {
  const { bugs } = await readBugs(project.root);
  const written: string[] = [];
  for (const result of build.bugs ?? []) {
    const bug = bugs.find((candidate) => candidate.file === result.file);
    if (!bug) continue;
    const updated: Bug = {
      ...bug,
      status: result.status === 'fixed' ? 'fixed' : 'open',
      regressionTest: result.status === 'unreproduced' ? bug.regressionTest : result.regressionTest,
      moduleHash: result.status === 'fixed' ? result.moduleHash : bug.moduleHash,
      note: result.status === 'unreproduced' ? `could not reproduce after ${result.attempts} attempts: ${result.note}`.trim() : undefined,
    };
    const text = serializeBug(updated);
    if (text === (await workspace.read(bug.file))) continue;
    await workspace.write(bug.file, text);
    written.push(bug.file);
  }
  return written;
}
