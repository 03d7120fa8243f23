// Test files the user must fix before a model can help: a file that does not parse, or an import that cannot resolve,
// fails every attempt the same way whatever the model writes. Checked on disk, before any model call, following the
// repo's own files a test imports (helpers, fixtures) as far as they go.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import type { Intent } from '../../core/project/intent.js';
import { parseTypeScript } from '../typescript/syntax.js';

export interface TestFilesCheckOptions {
  /** The project root, absolute. */
  root: string;
  /** The intents whose tests are checked. */
  intents: Intent[];
  /** Every intent of the project: the modules they own are written by builds, not looked for on disk. */
  all: Intent[];
  /** The repo's own vitest config is in use and may alias bare imports: those are then not judged. */
  configMayAlias: boolean;
}

/** Files the checker follows: a test can import anything, but only scripts can break the run by not parsing. */
const SCRIPT = /\.([mc]?[jt]sx?)$/;
/** What vite tries for an import without an extension, and in a folder. */
const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.json'];
/** A TypeScript importer may name a `.ts` file by its `.js` output name. */
const OUTPUT_TO_SOURCE: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };
const PACKAGE_NAME = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i;
/** Whatever the repo holds, vitest resolves itself for the tests it runs. */
const PROVIDED = new Set(['vitest']);

/** One line per problem, naming the file, in the order found. */
export function testFileProblems(options: TestFilesCheckOptions): string[] {
  const problems = new Set<string>();
  for (const intent of options.intents) {
    const visited = new Set<string>();
    const queue = [...intent.tests, ...intent.holdout];
    while (queue.length > 0) {
      const file = queue.shift()!;
      if (visited.has(file)) continue;
      visited.add(file);
      for (const found of fileProblems(file, intent, options, queue)) problems.add(found);
    }
  }
  return [...problems];
}

/** Problems of one file; repo files it imports are added to `queue`. */
function fileProblems(file: string, intent: Intent, options: TestFilesCheckOptions, queue: string[]): string[] {
  const text = readFileSync(path.join(options.root, file), 'utf8');
  const parsed = parseTypeScript(file, text);
  const error = parsed.errors[0];
  if (error) return [`${file}:${error.line}:${error.column}: does not parse as TypeScript: ${error.message}`];
  const problems: string[] = [];
  for (const specifier of new Set(parsed.imports.filter((found) => !found.typeOnly).map((found) => found.specifier))) {
    const bare = specifier.replace(/[?#].*$/, '');
    const problem =
      bare.startsWith('.') || bare.startsWith('/') ? relativeProblem(file, bare, intent, options, queue) : bareProblem(file, bare, options);
    if (problem) problems.push(`${file}: imports '${specifier}', which does not resolve: ${problem}`);
  }
  return problems;
}

function relativeProblem(
  file: string,
  specifier: string,
  intent: Intent,
  options: TestFilesCheckOptions,
  queue: string[],
): string | undefined {
  const target = path.resolve(options.root, path.dirname(file), specifier);
  const candidates = candidatesFor(target).map((candidate) => path.relative(options.root, candidate).split(path.sep).join('/'));
  const built = new Set([intent.module, ...intent.uses.map((id) => options.all.find((other) => other.id === id)?.module)]);
  if (candidates.some((candidate) => built.has(candidate))) return undefined;
  const found = candidates.find((candidate) => isFile(path.join(options.root, candidate)));
  if (found) {
    if (SCRIPT.test(found) && !found.startsWith('..') && !found.split('/').includes('node_modules')) queue.push(found);
    return undefined;
  }
  if (isFile(path.join(target, 'package.json'))) return undefined;
  const owner = options.all.find((other) => candidates.includes(other.module));
  if (owner)
    return `it is ${owner.module}, the module of intent '${owner.id}', which is not built yet; add '${owner.id}' to 'uses' in ${intent.file} so it is built first`;
  return `there is no file ${path.relative(options.root, target).split(path.sep).join('/')}${path.extname(target) ? '' : ' (with any of the extensions .ts, .js, …)'}`;
}

/** The files vite would try for an import of `target`. */
function candidatesFor(target: string): string[] {
  const extension = path.extname(target);
  const sources = (OUTPUT_TO_SOURCE[extension] ?? []).map((source) => target.slice(0, -extension.length) + source);
  return [target, ...sources, ...EXTENSIONS.map((ext) => target + ext), ...EXTENSIONS.map((ext) => path.join(target, `index${ext}`))];
}

function bareProblem(file: string, specifier: string, options: TestFilesCheckOptions): string | undefined {
  if (isBuiltin(specifier)) return undefined;
  if (specifier.startsWith('node:')) return `there is no Node built-in '${specifier}'`;
  const name = packageName(specifier);
  // `virtual:x`, `#internal`, `@/x`, `~/x`: plugin, package-imports and alias forms, not installable packages.
  if (!name || PROVIDED.has(name) || options.configMayAlias) return undefined;
  if (installed(path.dirname(path.join(options.root, file)), name)) return undefined;
  return `the package '${name}' is not installed; install it with ${installCommand(options.root)} ${name}`;
}

/** `pkg` of `pkg/sub/path`, `@scope/pkg` of `@scope/pkg/sub`; undefined when it cannot be a package name. */
function packageName(specifier: string): string | undefined {
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  return PACKAGE_NAME.test(name) ? name : undefined;
}

/** Installed in a node_modules folder on the way up, or the package itself (a self-reference by its own name). */
function installed(from: string, name: string): boolean {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'node_modules', name))) return true;
    if (ownName(dir) === name) return true;
    if (path.dirname(dir) === dir) return false;
  }
}

function ownName(dir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string }).name;
  } catch {
    return undefined;
  }
}

/** The repo's package manager, from its lockfile; npm when there is none. */
function installCommand(root: string): string {
  if (existsSync(path.join(root, 'pnpm-lock.yaml'))) return 'pnpm add -D';
  if (existsSync(path.join(root, 'yarn.lock'))) return 'yarn add -D';
  if (existsSync(path.join(root, 'bun.lock')) || existsSync(path.join(root, 'bun.lockb'))) return 'bun add -d';
  return 'npm i -D';
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
