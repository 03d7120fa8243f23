import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashNamedTexts } from '../core/lock.js';
import type { PromptTemplates } from '../core/prompt.js';
import type { ReproduceTemplates } from '../core/reproduce.js';

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
export async function loadPromptTemplates(): Promise<{ templates: PromptTemplates; reproduce: ReproduceTemplates; hash: string }> {
  const dir = join(packageRoot(), 'templates', 'prompts');
  const names = ['system.md', 'task.md', 'retry.md', 'reproduce-system.md', 'reproduce-task.md', 'reproduce-retry.md'];
  const texts = Object.fromEntries(names.map((name) => [name, readFileSync(join(dir, name), 'utf8')] as const));
  const templates = { system: texts['system.md']!, task: texts['task.md']!, retry: texts['retry.md']! };
  const reproduce = { system: texts['reproduce-system.md']!, task: texts['reproduce-task.md']!, retry: texts['reproduce-retry.md']! };
  return { templates, reproduce, hash: hashNamedTexts(texts) };
}
