import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { CONFIG_FILE, type Config } from '../core/project/config.js';
import { InputError, RefusalError } from '../core/errors.js';
import { orderIntents, validateIntentSet } from '../core/project/graph.js';
import type { Intent } from '../core/project/intent.js';
import { LOCK_FILE, parseLock, sha256, type Lockfile } from '../core/project/lock.js';
import { loadConfig } from '../adapters/project/config-loader.js';
import { findRepoRoot } from '../adapters/repo/root.js';
import { exportSignatureErrors, loadIntents } from '../adapters/project/intent-files.js';
import { packageVersion } from '../adapters/project/package-files.js';
import { openFileIndex, unindexedFiles, type ProjectFiles } from '../adapters/repo/file-index.js';
import { stateDirOnDisk } from '../adapters/repo/state-dir.js';

/** A validated ainative project: where it is, its settings, its intents in build order and its lock. */
export interface Project {
  root: string;
  gitRoot: string;
  config: Config;
  intents: Intent[];
  lock: Lockfile | undefined;
  /** The project's files as staleness sees them: through the file index in the git dir, or read afresh. */
  files: ProjectFiles;
}

export interface OpenProjectOptions {
  /** false: read and hash every file, trusting no index (the CI gate judges by contents alone). */
  fileIndex?: boolean;
}

/** Where a project is and its settings, before its intents and lock are read. */
export interface ProjectLocation {
  root: string;
  gitRoot: string;
  /** The real path of the folder the command ran in. */
  cwd: string;
  config: Config;
}

/** Finds the project around `cwd` and validates everything before anything is written. */
export async function openProject(cwd: string, flags: Partial<Config>, options: OpenProjectOptions = {}): Promise<Project> {
  return loadProject(await locateProject(cwd, flags), options);
}

/** Finds the project around `cwd` and reads its settings. */
export async function locateProject(cwd: string, flags: Partial<Config>): Promise<ProjectLocation> {
  const gitRoot = await findRepoRoot(cwd);
  if (!gitRoot)
    throw new RefusalError(`${cwd}: not inside a git repository (run 'git init'); ainative relies on git to keep your work safe`);
  // git answers with the real path; compare like with like when cwd goes through a symlink.
  const realCwd = realpathSync(cwd);
  const realGitRoot = realpathSync(gitRoot);
  const root = findProjectRoot(realCwd, realGitRoot);
  return { root, gitRoot: realGitRoot, cwd: realCwd, config: await loadConfig(root, flags) };
}

/** Reads and validates the intents and the lock of a located project. */
export async function loadProject(location: ProjectLocation, options: OpenProjectOptions = {}): Promise<Project> {
  const { root, gitRoot, config } = location;
  const files = options.fileIndex === false ? unindexedFiles(root) : indexedFiles(root, gitRoot);
  const { intents, errors } = await loadIntents(root, config.intentsDir, files);
  if (errors.length === 0 && intents.length === 0) {
    throw new InputError(
      `${config.intentsDir}/: no *.intent.md files found (run 'ainative init' or add ${config.intentsDir}/<id>.intent.md)`,
    );
  }
  errors.push(...validateIntentSet(intents, (path) => files.exists(path)));
  if (errors.length > 0) throw new InputError(errors.join('\n'));
  const lock = readLock(files, relative(location.cwd, join(root, LOCK_FILE)));
  const signatureErrors = await exportSignatureErrors(intents, (intent) => lock?.intents[intent.id]?.inputs.intent === sha256(intent.text));
  if (signatureErrors.length > 0) throw new InputError(signatureErrors.join('\n'));
  return { root, gitRoot, config, intents: orderIntents(intents), lock, files };
}

/** The project's files through the file index kept in the git dir (none when the git dir cannot be found on disk). */
function indexedFiles(root: string, gitRoot: string): ProjectFiles {
  return openFileIndex({ root, stateDir: stateDirOnDisk(gitRoot), version: packageVersion() });
}

/** The nearest folder from `cwd` up to the git top that holds ainative.config.json or intents/; else the git top. */
function findProjectRoot(cwd: string, gitRoot: string): string {
  for (let dir = cwd; dir.startsWith(gitRoot); dir = dirname(dir)) {
    if (existsSync(join(dir, CONFIG_FILE)) || existsSync(join(dir, 'intents'))) return dir;
    if (dir === gitRoot || dirname(dir) === dir) break;
  }
  return gitRoot;
}

/** The lock, or undefined when there is none; a broken one is an input error naming it as `shownAs`. */
function readLock(files: ProjectFiles, shownAs: string): Lockfile | undefined {
  // Read through the project's files, so the file index stamps it with everything else the verdict is made from.
  const text = files.text(LOCK_FILE);
  if (text === undefined) return undefined;
  const parsed = parseLock(text, shownAs);
  if (!parsed.ok) throw new InputError(parsed.error);
  return parsed.lock;
}
