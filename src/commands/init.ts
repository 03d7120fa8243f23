import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { packageRoot } from '../adapters/project/package-files.js';
import { mergeGitignore } from '../core/project/gitignore.js';

/** What `ainative init` did with each file. */
export interface InitResult {
  created: string[];
  kept: string[];
  /** Existing files it added lines to, with what it added, e.g. `.gitignore (added node_modules/)`. */
  updated: string[];
}

/**
 * `ainative init`: scaffolds config, folders, tsconfig, vitest config and an example intent with its test from
 * templates/init, and a .gitignore; never overwrites a file, only adds missing lines to an existing .gitignore.
 */
export async function initCommand(cwd: string): Promise<InitResult> {
  const source = join(packageRoot(), 'templates', 'init');
  const result: InitResult = { created: [], kept: [], updated: [] };
  for (const file of await listFiles(source)) {
    const target = join(cwd, file);
    if (existsSync(target)) {
      result.kept.push(file);
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    await copyFile(join(source, file), target);
    result.created.push(file);
  }
  for (const dir of ['src', 'test']) {
    if (!existsSync(join(cwd, dir))) {
      await mkdir(join(cwd, dir));
      result.created.push(`${dir}/`);
    }
  }
  await ensureGitignore(cwd, result);
  return result;
}

/** npm leaves .gitignore files out of packages, so its lines live in code rather than in templates/init. */
async function ensureGitignore(cwd: string, result: InitResult): Promise<void> {
  const path = join(cwd, '.gitignore');
  const existing = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  const merged = mergeGitignore(existing);
  if (merged.added.length === 0) {
    result.kept.push('.gitignore');
    return;
  }
  await writeFile(path, merged.text);
  if (existing === undefined) result.created.push('.gitignore');
  else result.updated.push(`.gitignore (added ${merged.added.join(', ')})`);
}

async function listFiles(dir: string, base = dir): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = await Promise.all(
    entries.map((entry) => (entry.isDirectory() ? listFiles(join(dir, entry.name), base) : [relative(base, join(dir, entry.name))])),
  );
  return files.flat().sort();
}
