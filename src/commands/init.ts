import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { packageRoot } from '../adapters/project/package-files.js';

/** What `ainative init` did with each file. */
export interface InitResult {
  created: string[];
  kept: string[];
}

/** `ainative init`: scaffolds config, folders, tsconfig and vitest config from templates/init; never overwrites. */
export async function initCommand(cwd: string): Promise<InitResult> {
  const source = join(packageRoot(), 'templates', 'init');
  const result: InitResult = { created: [], kept: [] };
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
  return result;
}

async function listFiles(dir: string, base = dir): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = await Promise.all(
    entries.map((entry) => (entry.isDirectory() ? listFiles(join(dir, entry.name), base) : [relative(base, join(dir, entry.name))])),
  );
  return files.flat().sort();
}
