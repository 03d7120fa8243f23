import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashNamedTexts } from '../core/lock.js';
import type { PromptTemplates } from '../core/prompt.js';

let cachedRoot: string | undefined;

/** The ainative package's own folder (holding templates/), found from this file whether it runs from src/ or dist/. */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!isAinativeRoot(dir)) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the ainative package folder (templates/ is missing)');
    dir = parent;
  }
  cachedRoot = dir;
  return dir;
}

function isAinativeRoot(dir: string): boolean {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest) || !existsSync(join(dir, 'templates'))) return false;
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'ainative';
}

/** The package version, for `--version`. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** The prompt templates and a hash of them; a template edit makes every intent stale. */
export async function loadPromptTemplates(): Promise<{ templates: PromptTemplates; hash: string }> {
  const dir = join(packageRoot(), 'templates', 'prompts');
  const [system, task, retry] = await Promise.all(['system.md', 'task.md', 'retry.md'].map((name) => readFile(join(dir, name), 'utf8')));
  const templates = { system: system!, task: task!, retry: retry! };
  return { templates, hash: hashNamedTexts({ 'system.md': system!, 'task.md': task!, 'retry.md': retry! }) };
}
