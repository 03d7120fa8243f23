import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { glob } from 'tinyglobby';
import writeFileAtomic from 'write-file-atomic';
import { BUGS_DIR, parseBug, serializeBug, type Bug } from '../../core/project/bug.js';

/** Repo-relative paths of every bug file under `<root>/bugs/`, sorted. */
export async function listBugFiles(root: string): Promise<string[]> {
  return (await glob(`${BUGS_DIR}/**/*.md`, { cwd: root, dot: false })).sort();
}

/** Reads and parses every bug file; one error line per file that does not parse. */
export async function readBugs(root: string): Promise<{ bugs: Bug[]; errors: string[] }> {
  const bugs: Bug[] = [];
  const errors: string[] = [];
  for (const file of await listBugFiles(root)) {
    const parsed = parseBug(file, await readFile(join(root, file), 'utf8'));
    if (parsed.ok) bugs.push(parsed.bug);
    else errors.push(parsed.error);
  }
  return { bugs, errors };
}

/**
 * Writes `bug` to `<root>/<bug.file>` (creating `bugs/` when missing) and returns true, or returns false without
 * touching anything when that file already exists.
 */
export async function writeNewBugFile(root: string, bug: Bug): Promise<boolean> {
  const path = join(root, bug.file);
  if (await exists(path)) return false;
  await mkdir(dirname(path), { recursive: true });
  // Atomic rename: a crash leaves either no bug file or a whole one, never half a report.
  await writeFileAtomic(path, serializeBug(bug), { encoding: 'utf8' });
  return true;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
