// Rules about what the module loads: the test framework, the project's tests and protected files, Node built-ins that
// reach outside the module's job, and loads the guard cannot read (`import(x)`, `require(x)`).
import { isBuiltin } from 'node:module';
import { ts } from 'ts-morph';
import { constantString, literalText, squeeze, unwrap } from './ast.js';
import { globalName, type GuardContext, type GuardSettings } from './context.js';
import { protectedInText, protectedTarget, repoTarget } from './paths.js';
import { processMemberProblem } from './process.js';

/** Node built-ins forbidden unless the intent allows them, without the `node:` prefix. */
export const GUARDED_NODE_MODULES: readonly string[] = Object.freeze([
  'fs',
  'fs/promises',
  'child_process',
  'worker_threads',
  'cluster',
  'vm',
  'module',
  'inspector',
  'v8',
  'net',
  'dgram',
  'tls',
  'http2',
  'repl',
  'process',
  'wasi',
  'sqlite',
]);

const REACHES: Readonly<Record<string, string>> = {
  fs: 'the file system',
  child_process: 'other processes',
  worker_threads: 'other threads',
  cluster: 'other processes',
  vm: 'code built from strings',
  module: 'the module loader',
  inspector: 'the debugger',
  v8: "the engine's internals",
  net: 'raw sockets',
  dgram: 'raw sockets',
  tls: 'raw sockets',
  http2: 'raw network sessions',
  repl: 'an interactive shell',
  process: 'the process object (process.exit)',
  wasi: 'the system interface',
  sqlite: 'database files',
};

const TEST_FRAMEWORK = /^(vitest|vite|vite-node|chai|jest|expect)(\/|$)|^@(vitest|jest)\/|^(vitest|jest|chai)-|^node:test(\/|$)/;

interface ModuleReference {
  specifier: ts.Expression | undefined;
  kind: string;
}

/** Judges imports, re-exports, `import x = require()`, `import()` and `require()`. */
export function checkModuleReference(node: ts.Node, ctx: GuardContext): void {
  const reference = moduleReference(node, ctx);
  if (!reference) return;
  const expression = reference.specifier && unwrap(reference.specifier);
  if (expression) ctx.judged.add(expression);
  const specifier = expression && constantString(expression);
  if (specifier === undefined) {
    ctx.report(node, `${reference.kind} with a computed specifier can load any file, including the tests; import a literal path`);
    return;
  }
  const problem = specifierProblem(specifier, ctx.settings);
  if (problem) ctx.report(node, problem);
  if (ts.isImportDeclaration(node)) checkImportedNames(node, specifier, ctx);
}

function moduleReference(node: ts.Node, ctx: GuardContext): ModuleReference | undefined {
  if (ts.isImportDeclaration(node)) {
    return node.importClause?.isTypeOnly ? undefined : { specifier: node.moduleSpecifier, kind: 'import' };
  }
  if (ts.isExportDeclaration(node)) {
    if (node.isTypeOnly || !node.moduleSpecifier) return undefined;
    return { specifier: node.moduleSpecifier, kind: 'export from' };
  }
  if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
    return node.isTypeOnly ? undefined : { specifier: node.moduleReference.expression, kind: 'import = require()' };
  }
  if (!ts.isCallExpression(node)) return undefined;
  if (node.expression.kind === ts.SyntaxKind.ImportKeyword) return { specifier: node.arguments[0], kind: 'import()' };
  const callee = unwrap(node.expression);
  return globalName(callee, ctx) === 'require' ? { specifier: node.arguments[0], kind: 'require()' } : undefined;
}

/** Why loading `specifier` from the module is unsafe; undefined when it is fine. */
function specifierProblem(specifier: string, settings: GuardSettings): string | undefined {
  // Vite loads `file?raw` as the file's text, so the query does not change which file is read.
  const bare = specifier.replace(/\?.*$/, '');
  const shown = squeeze(specifier);
  if (TEST_FRAMEWORK.test(bare)) {
    return `importing '${shown}' reaches the test framework that judges this module; production code must not use it`;
  }
  const target = repoTarget(bare, settings);
  // Path aliases (`#test/x`, `~/test/x`, `@/test/x`) name repo folders too.
  const aliased = bare.replace(/^(#|~\/|@\/)/, '');
  const hit = target !== undefined ? protectedTarget(target, settings) : protectedInText(aliased, settings);
  if (hit) return `importing '${shown}' reads ${hit}; implement the behaviour instead of copying the expected values`;
  return nodeModuleProblem(bare, settings);
}

function nodeModuleProblem(specifier: string, settings: GuardSettings): string | undefined {
  const name = specifier.startsWith('node:') ? specifier.slice('node:'.length) : specifier;
  const base = name.split('/')[0]!;
  if (settings.confined) return ungrantedProblem(specifier, name, settings);
  if (!GUARDED_NODE_MODULES.includes(name) && !GUARDED_NODE_MODULES.includes(base)) return undefined;
  if (settings.allow.has(name) || settings.allow.has(base)) return undefined;
  const reaches = REACHES[base] ?? 'the machine';
  return `importing '${squeeze(specifier)}' reaches ${reaches}, outside the module's job; if the intent really needs it, add "allow: [${base}]" to the intent's frontmatter`;
}

/** A confined module loads only project modules and what its intent grants: everything else is refused when it runs. */
function ungrantedProblem(specifier: string, name: string, settings: GuardSettings): string | undefined {
  if (/^(\.|\/|#|~\/|@\/)/.test(specifier)) return undefined;
  const builtin = isBuiltin(specifier);
  const grant = builtin
    ? name.split('/')[0]!
    : specifier.startsWith('@')
      ? specifier.split('/').slice(0, 2).join('/')
      : specifier.split('/')[0]!;
  if (settings.allow.has(name) || settings.allow.has(grant)) return undefined;
  const what = builtin ? `the Node built-in '${grant}'` : `the package '${grant}'`;
  return `importing '${squeeze(specifier)}' needs ${what}, which the intent does not grant; use the web globals (URL, TextEncoder, crypto.randomUUID(), ...) or, if the intent really needs it, add "allow: [${grant}]" to the intent's frontmatter`;
}

// Named imports can pull the dangerous members straight out: `import { exit } from 'node:process'`.
function checkImportedNames(node: ts.ImportDeclaration, specifier: string, ctx: GuardContext): void {
  const bindings = node.importClause?.namedBindings;
  if (!bindings || !ts.isNamedImports(bindings)) return;
  const name = specifier.replace(/^node:/, '');
  for (const element of bindings.elements) {
    if (element.isTypeOnly) continue;
    const imported = (element.propertyName ?? element.name).text;
    if (imported === 'createRequire') ctx.report(element, CREATE_REQUIRE);
    const problem = name === 'process' ? processMemberProblem(imported) : undefined;
    if (problem) ctx.report(element, problem);
  }
}

/** Why `createRequire` is refused whatever the allow-list says. */
export const CREATE_REQUIRE = "createRequire() builds a require() that loads any file past the guard's import checks; use static imports";

/** Records which local names the module's top-level imports bind to Node built-ins (and to `process` in particular). */
export function collectImportBindings(source: ts.SourceFile, ctx: GuardContext): void {
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && !statement.importClause?.isTypeOnly) {
      const specifier = literalText(statement.moduleSpecifier);
      const clause = statement.importClause;
      const bindings = clause?.namedBindings;
      const names = [clause?.name, bindings && ts.isNamespaceImport(bindings) ? bindings.name : undefined];
      for (const name of names) if (name && specifier) bindNodeModule(name.text, specifier, ctx);
    }
    if (ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference)) {
      const specifier = literalText(statement.moduleReference.expression);
      if (specifier && !statement.isTypeOnly) bindNodeModule(statement.name.text, specifier, ctx);
    }
  }
}

function bindNodeModule(local: string, specifier: string, ctx: GuardContext): void {
  if (!isBuiltin(specifier)) return;
  ctx.nodeModuleBindings.set(local, specifier);
  if (specifier.replace(/^node:/, '') === 'process') ctx.processAliases.add(local);
}
