import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashNamedTexts } from '../../core/project/lock.js';
import type { PromptTemplates } from '../../core/agent/prompt.js';
import type { ReproduceTemplates } from '../../core/agent/reproduce.js';

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

/**
 * A compiled script of ainative's that runs on plain node (a process or a worker thread), by its path under `src/`
 * with a `.js` extension, e.g. `adapters/test-host/host/host.entry.js`. From dist/ it is found beside this file's
 * own build output; from src/ (ainative's own tests under vitest) it is the build output.
 */
export function builtScript(fromSrc: string): string {
  const built = join(packageRoot(), 'dist', 'src', ...fromSrc.split('/'));
  if (existsSync(built)) return built;
  throw new Error(`ainative is not built (missing ${built}): run \`npm run build\` in ${packageRoot()} first`);
}

/**
 * The node_modules folder ainative's dependencies were installed into. It lies outside the package folder when
 * ainative itself was installed as a dependency (npx cache, global install, the user's own node_modules).
 */
export function dependenciesDir(): string {
  const vitestPackage = createRequire(import.meta.url).resolve('vitest/package.json');
  const parts = vitestPackage.split(sep);
  return parts.slice(0, parts.lastIndexOf('node_modules') + 1).join(sep);
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
