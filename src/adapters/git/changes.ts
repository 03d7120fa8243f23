import { lstat, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { RefusalError } from '../../core/errors.js';
import { checkRepoPath } from '../../core/project/intent.js';

/** Staged, unstaged and untracked (not ignored) paths that differ from HEAD; in a repo without commits, every path not ignored. */
export async function changedSinceHead(gitRoot: string, projectRoot: string): Promise<string[]> {
  const git = simpleGit({ baseDir: gitRoot });
  const prefix = await projectPrefix(gitRoot, projectRoot);
  const scope = projectPathspec(prefix);
  const diff = ['diff', '--name-only', '--no-renames', '-z'];
  // Staged and unstaged separately: `git diff HEAD` alone misses a staged edit that the work tree has since undone.
  // Without a HEAD there is nothing to diff against: everything in the index is new.
  const listings = (await hasHead(git))
    ? [
        [...diff, '--cached', 'HEAD', '--', ...scope],
        [...diff, '--', ...scope],
      ]
    : [['ls-files', '-z', '--cached', '--', ...scope]];
  listings.push(['ls-files', '-z', '--others', '--exclude-standard', '--', ...scope]);
  const outputs = await Promise.all(listings.map((args) => git.raw(args)));
  return toProjectPaths(outputs.flatMap(splitNul), prefix);
}

/** Paths whose staged content differs from HEAD (`git diff --cached`); a rename counts as both its sides. */
export async function stagedPaths(gitRoot: string, projectRoot: string): Promise<string[]> {
  const prefix = await projectPrefix(gitRoot, projectRoot);
  return toProjectPaths(await stagedRepoPaths(simpleGit({ baseDir: gitRoot }), projectPathspec(prefix)), prefix);
}

/**
 * Paths whose work-tree content is not what the index holds: unstaged edits and deletions (`git diff`, work tree
 * against index) and untracked files (not ignored).
 */
export async function unstagedPaths(gitRoot: string, projectRoot: string): Promise<string[]> {
  const git = simpleGit({ baseDir: gitRoot });
  const prefix = await projectPrefix(gitRoot, projectRoot);
  const scope = projectPathspec(prefix);
  const outputs = await Promise.all([
    git.raw(['diff', '--name-only', '--no-renames', '-z', '--', ...scope]),
    git.raw(['ls-files', '-z', '--others', '--exclude-standard', '--', ...scope]),
  ]);
  return toProjectPaths(outputs.flatMap(splitNul), prefix);
}

/** Top-relative paths staged under `pathspec`; `--no-renames` so a rename lists the old and the new path. */
export async function stagedRepoPaths(git: SimpleGit, pathspec: string[]): Promise<string[]> {
  return splitNul(await git.raw(['diff', '--cached', '--name-only', '--no-renames', '-z', '--', ...pathspec]));
}

/** Where the project sits in the git work tree, '/'-separated; '' when it is the top. */
export async function projectPrefix(gitRoot: string, projectRoot: string): Promise<string> {
  // realpath both: a temp dir under a symlink (/tmp -> /private/tmp) would otherwise look like it is outside.
  const [top, project] = await Promise.all([realpath(gitRoot), realpath(projectRoot)]);
  const path = relative(top, project);
  if (path === '..' || path.startsWith(`..${sep}`) || isAbsolute(path)) {
    throw new RefusalError(`${projectRoot} is not inside the git work tree ${gitRoot}`);
  }
  return path.split(sep).join('/');
}

/** Project-relative paths as paths from the top of the work tree; refuses paths that leave the project or enter .git. */
export function toRepoPaths(paths: readonly string[], prefix: string): string[] {
  return paths.map((raw) => {
    const path = checkRepoPath(raw);
    if (typeof path !== 'string') throw new RefusalError(`cannot stage or commit '${raw}': the path ${path.error}`);
    return prefix ? `${prefix}/${path}` : path;
  });
}

/** Pathspecs matching exactly these paths: `:(literal)` so `[`, `*` and `?` in a file name are not globs. */
export function literalPathspecs(repoPaths: readonly string[]): string[] {
  return repoPaths.map((path) => `:(literal)${path}`);
}

/** Of these top-relative paths, the ones git can stage: present on disk or already in the index (a staged removal). */
export async function stageablePaths(git: SimpleGit, gitRoot: string, repoPaths: readonly string[]): Promise<string[]> {
  if (repoPaths.length === 0) return [];
  const indexed = new Set(splitNul(await git.raw(['ls-files', '-z', '--cached', '--', ...literalPathspecs(repoPaths)])));
  const present = await Promise.all(repoPaths.map((path) => existsOnDisk(join(gitRoot, path))));
  return repoPaths.filter((path, index) => present[index] || indexed.has(path));
}

function projectPathspec(prefix: string): string[] {
  return prefix ? literalPathspecs([prefix]) : [];
}

function toProjectPaths(repoPaths: string[], prefix: string): string[] {
  const inside = prefix ? repoPaths.filter((path) => path.startsWith(`${prefix}/`)) : repoPaths;
  const paths = inside.map((path) => (prefix ? path.slice(prefix.length + 1) : path));
  return [...new Set(paths)].sort();
}

/** True when HEAD names a commit; false on a branch with no commits yet. */
async function hasHead(git: SimpleGit): Promise<boolean> {
  // simple-git only rejects when git writes to stderr, and --quiet keeps it silent, so judge by the output.
  const sha = await git.raw(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).catch(() => '');
  return sha.trim() !== '';
}

/** `-z` output: NUL-separated, never quoted, whatever the file name holds. */
function splitNul(output: string): string[] {
  return output.split('\0').filter((path) => path !== '');
}

async function existsOnDisk(path: string): Promise<boolean> {
  // lstat, not stat: a symlink is a file to git even when its target is missing.
  return lstat(path).then(
    () => true,
    () => false,
  );
}
