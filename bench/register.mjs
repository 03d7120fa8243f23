// Lets Node 20 run bench/*.ts directly: `node --import ./bench/register.mjs bench/run.ts`. The same file is both the
// registration (main thread) and the hooks (loader thread). Types are checked by `npm run typecheck`, not here:
// this only strips them, with the project's own TypeScript.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) register(import.meta.url);

let ts;

/** `./x.js` imported from a .ts file means `./x.ts` when only the latter exists (NodeNext style imports). */
export async function resolve(specifier, context, next) {
  const parent = context.parentURL ?? '';
  if (parent.endsWith('.ts') && specifier.startsWith('.') && specifier.endsWith('.js')) {
    const candidate = new URL(specifier.replace(/\.js$/, '.ts'), parent);
    if (!existsSync(new URL(specifier, parent)) && existsSync(candidate)) return { url: candidate.href, shortCircuit: true };
  }
  return next(specifier, context);
}

/** Transpiles .ts files to ESM JavaScript (no type check). */
export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  ts ??= (await import('typescript')).default;
  const text = await readFile(fileURLToPath(url), 'utf8');
  const out = ts.transpileModule(text, {
    fileName: fileURLToPath(url),
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: false, inlineSourceMap: true },
  });
  return { format: 'module', source: out.outputText, shortCircuit: true };
}
