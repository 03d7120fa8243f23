import { execa } from 'execa';
import { simpleGit, type SimpleGit } from 'simple-git';
import { AinativeError, EXIT } from '../../core/errors.js';
import { literalPathspecs, projectPrefix, stageablePaths, stagedRepoPaths, toRepoPaths } from './changes.js';

/** What ainative commits after a build, and the provenance recorded in the message. */
export interface ProvenanceCommit {
  /** Project-relative paths to commit; nothing else is. */
  paths: string[];
  intents: string[];
  model: string;
  /** Attempts each intent took, by id. */
  attempts: Record<string, number>;
  /** More `Key: value` trailers; keys are letters, digits and '-'. */
  extraTrailers?: Record<string, string>;
}

export interface CommitGeneratedOptions {
  /** Skip the repo's pre-commit and commit-msg hooks; only when the user asked for it. */
  noVerify?: boolean;
}

/** Set while ainative commits, so its own pre-commit hook does not start a second build inside that commit. */
export const IN_COMMIT_ENV = 'AINATIVE_IN_COMMIT';

export const SUBJECT_MAX_CHARS = 72; // what `git log --oneline` and most hosts show without cutting
const COMMIT_OUTPUT_MAX_CHARS = 4_000; // enough for a hook's complaint, not a whole test log

/** Committing ainative's output failed: nothing to commit, or git or a hook refused. */
export class CommitError extends AinativeError {
  constructor(
    message: string,
    readonly code: 'NOTHING_TO_COMMIT' | 'COMMIT_FAILED',
    options?: { cause?: unknown },
  ) {
    super(message, EXIT.refused, options);
  }
}

/** Commits exactly `commit.paths` (even when other changes are staged) with provenance trailers; returns the new sha. */
export async function commitGenerated(
  gitRoot: string,
  projectRoot: string,
  commit: ProvenanceCommit,
  options: CommitGeneratedOptions = {},
): Promise<string> {
  const message = formatCommitMessage(commit);
  const git = simpleGit({ baseDir: gitRoot });
  const repoPaths = toRepoPaths(commit.paths, await projectPrefix(gitRoot, projectRoot));
  // `commit --only` refuses paths git has never seen, so new files are added first; the commit leaves them staged anyway.
  await addPaths(git, gitRoot, repoPaths);
  const changed = repoPaths.length > 0 ? await stagedRepoPaths(git, literalPathspecs(repoPaths)) : [];
  if (changed.length === 0) {
    throw new CommitError(`nothing to commit: ${commit.paths.join(', ') || 'no paths given'} match HEAD`, 'NOTHING_TO_COMMIT');
  }
  await runCommit(gitRoot, changed, message, options.noVerify === true);
  return (await git.revparse(['HEAD'])).trim();
}

/** Stages exactly these project-relative paths (`git add -A -- <paths>`), deletions included; unknown missing paths are skipped. */
export async function stagePaths(gitRoot: string, projectRoot: string, paths: string[]): Promise<void> {
  const git = simpleGit({ baseDir: gitRoot });
  await addPaths(git, gitRoot, toRepoPaths(paths, await projectPrefix(gitRoot, projectRoot)));
}

/** `git add -A` of these top-relative paths, skipping those neither on disk nor in the index (nothing to stage). */
async function addPaths(git: SimpleGit, gitRoot: string, repoPaths: string[]): Promise<void> {
  const stageable = await stageablePaths(git, gitRoot, repoPaths);
  if (stageable.length > 0) await git.raw(['add', '-A', '--', ...literalPathspecs(stageable)]);
}

/** The commit message: a subject naming the intents, a line per intent, then `git interpret-trailers` trailers. */
export function formatCommitMessage(commit: ProvenanceCommit): string {
  const body = commit.intents.map((id) => {
    const attempts = commit.attempts[id];
    return attempts === undefined ? `- ${id}` : `- ${id}: built in ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}`;
  });
  const trailers = formatTrailers(commit);
  const lines = [formatSubject(commit.intents), '', ...(body.length > 0 ? [...body, ''] : []), ...trailers];
  return `${lines.join('\n')}\n`;
}

/** `ainative: build a, b`, naming as many ids as fit in SUBJECT_MAX_CHARS and counting the rest. */
export function formatSubject(intents: readonly string[]): string {
  const head = 'ainative: build';
  if (intents.length === 0) return `${head} generated files`;
  const more = (shown: number): string => (shown < intents.length ? ` and ${intents.length - shown} more` : '');
  for (let shown = intents.length; shown >= 1; shown--) {
    const subject = `${head} ${intents.slice(0, shown).join(', ')}${more(shown)}`;
    if (subject.length <= SUBJECT_MAX_CHARS) return subject;
  }
  // Even the first id overflows: cut the id, not the count, which says how much is missing.
  const room = SUBJECT_MAX_CHARS - head.length - 2 - more(1).length;
  return `${head} ${intents[0]!.slice(0, room)}…${more(1)}`;
}

function formatTrailers(commit: ProvenanceCommit): string[] {
  const trailers: [string, string][] = commit.intents.map((id) => ['Ainative-Intent', id]);
  trailers.push(['Ainative-Model', commit.model || 'unknown']);
  const attempts = orderedAttempts(commit);
  if (attempts.length > 0) trailers.push(['Ainative-Attempts', attempts.map(([id, n]) => `${id}=${n}`).join(', ')]);
  for (const [key, value] of Object.entries(commit.extraTrailers ?? {})) {
    if (!/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(key)) throw new Error(`trailer key '${key}' must be letters, digits and '-'`);
    trailers.push([key, value]);
  }
  // A newline in a value would end the trailer and could forge the next one.
  return trailers.map(([key, value]) => `${key}: ${value.replace(/\s+/g, ' ').trim()}`);
}

/** Attempts in the order of `intents`, then any other ids in the order given. */
function orderedAttempts(commit: ProvenanceCommit): [string, number][] {
  const ids = [...new Set([...commit.intents, ...Object.keys(commit.attempts)])];
  return ids.filter((id) => commit.attempts[id] !== undefined).map((id) => [id, commit.attempts[id]!]);
}

async function runCommit(gitRoot: string, repoPaths: string[], message: string, noVerify: boolean): Promise<void> {
  // --only: the commit holds these paths and the rest of the index stays as the user staged it.
  // --cleanup=whitespace: a user's commit.cleanup=strip must not eat lines of the message.
  // -m, not -F -: git runs pre-commit before it reads the message, so a hook reading stdin would swallow it.
  const args = ['commit', '--only', '--cleanup=whitespace', '-m', message, ...(noVerify ? ['--no-verify'] : []), '--'];
  // execa, not simple-git: hooks need the user's environment plus one variable, and simple-git refuses to spawn
  // with an environment that holds EDITOR, PAGER or GIT_* settings such as GIT_EDITOR or GIT_SSH (its unsafe-operations
  // plugin, each category an opt-in of its own); and the error names git's exit code and its interleaved output.
  const result = await execa('git', [...args, ...literalPathspecs(repoPaths)], {
    cwd: gitRoot,
    stdin: 'ignore',
    env: { [IN_COMMIT_ENV]: '1' },
    reject: false,
    all: true,
  });
  if (result.exitCode !== 0) {
    const output = (result.all ?? '').trim().slice(-COMMIT_OUTPUT_MAX_CHARS);
    throw new CommitError(`git commit failed (exit ${result.exitCode ?? 'signal'}); nothing was committed:\n${output}`, 'COMMIT_FAILED', {
      cause: result,
    });
  }
}
