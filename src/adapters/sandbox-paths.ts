// Where ainative's own files are, so the sandbox can keep them visible and the parent can start the host.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The ainative package folder: the nearest ancestor of this file whose package.json is named "ainative". */
export function packageDir(): string {
  for (let dir = HERE; ; dir = path.dirname(dir)) {
    if (isAinativePackage(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find the ainative package folder above ${HERE}`);
  }
}

function isAinativePackage(file: string): boolean {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === 'ainative';
  } catch {
    return false;
  }
}

/** The compiled host script (see builtScript). */
export function hostScript(): string {
  return builtScript('vitest-host.js');
}

/**
 * A compiled script of ainative's that runs on plain node (a process or a worker thread). From dist/ it is this
 * file's sibling; from src/ (ainative's own tests under vitest) it is the build output.
 */
export function builtScript(name: string): string {
  const sibling = path.join(HERE, name);
  if (existsSync(sibling)) return sibling;
  const built = path.join(packageDir(), 'dist', 'src', 'adapters', name);
  if (existsSync(built)) return built;
  throw new Error(`ainative is not built (missing ${built}): run \`npm run build\` in ${packageDir()} first`);
}

/** The runtime guard setup file: compiled .js next to this file, or the .ts source when running from src/. */
export function runtimeGuardFile(): string {
  for (const name of ['runtime-guard.js', 'runtime-guard.ts']) {
    const file = path.join(HERE, name);
    if (existsSync(file)) return file;
  }
  throw new Error(`the runtime guard is missing next to ${HERE}`);
}

/**
 * The node_modules folder ainative's dependencies were installed into. It lies outside the package folder when
 * ainative itself was installed as a dependency (npx cache, global install, the user's own node_modules).
 */
export function dependenciesDir(): string {
  const vitestPackage = createRequire(import.meta.url).resolve('vitest/package.json');
  const parts = vitestPackage.split(path.sep);
  const last = parts.lastIndexOf('node_modules');
  return parts.slice(0, last + 1).join(path.sep);
}
