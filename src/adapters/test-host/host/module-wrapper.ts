// Turns a generated module's TypeScript into the wrapper vitest loads in its place. The wrapper is an ES module of the
// test realm: it imports what the module may use (so `vi.mock` of a used module still applies), then has the
// confinement runtime evaluate the module's code, compiled to a CommonJS-shaped body, inside a compartment, and
// re-exports its exports as live bindings. What the module may not load is named with the reason it will be told.
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ts } from 'ts-morph';
import type { FsPolicy } from '../worker/fs-facade.js';
import { WORKER_RUNTIME_KEY } from '../worker/worker-runtime.js';
import { splitRefusedText } from './refused-text.js';

/** One module to wrap. */
export interface WrapRequest {
  /** Absolute path of the module. */
  file: string;
  source: string;
  /** Built-ins and packages its intent grants (`allow:`), without `node:`. */
  allow: readonly string[];
  /** The fs facade's policy, used when `fs` is granted. */
  fsPolicy: FsPolicy;
}

const PREFIX = '__ainative';

/** The wrapper module's code. */
export function wrapModule(request: WrapRequest): string {
  const kind = request.file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const parsed = ts.createSourceFile(request.file, request.source, ts.ScriptTarget.ES2022, true, kind);
  const { specifiers, exportNames, starExports } = readModuleShape(parsed);
  const body = compile(request);
  const granted = new Map<string, string>();
  const refused: Record<string, string> = {};
  for (const specifier of specifiers) {
    const problem = refusal(specifier, request);
    if (problem) refused[specifier] = problem;
    else granted.set(specifier, importTarget(specifier));
  }
  if ([...granted.values()].includes('node:fs') || [...granted.values()].includes('node:fs/promises')) {
    granted.set('node:fs', 'node:fs');
    granted.set('node:fs/promises', 'node:fs/promises');
  }
  // The thread's entry installed the runtime (worker-runtime.ts); the key is repeated here as the wrapper's code.
  const lines = [`const ${PREFIX}_confine = globalThis[Symbol.for(${JSON.stringify(WORKER_RUNTIME_KEY)})].confineModule;`];
  const imports: string[] = [];
  [...granted].forEach(([specifier, target], i) => {
    lines.push(`import * as ${PREFIX}_i${i} from ${JSON.stringify(target)};`);
    imports.push(`${JSON.stringify(specifier)}: ${PREFIX}_i${i}`);
  });
  const names = [...exportNames];
  if (names.length > 0) lines.push(`let ${names.map((_, i) => `${PREFIX}_e${i}`).join(', ')};`);
  const setters = names.map((name, i) => `${JSON.stringify(name)}: (value) => { ${PREFIX}_e${i} = value; }`);
  const spec = [
    `url: ${JSON.stringify(pathToFileURL(request.file).href)}`,
    `body: ${JSON.stringify(body)}`,
    `imports: { ${imports.join(', ')} }`,
    `refused: ${JSON.stringify(refused)}`,
    `allow: ${JSON.stringify(request.allow)}`,
    `fs: ${JSON.stringify(request.fsPolicy)}`,
    `setters: { ${setters.join(', ')} }`,
  ];
  lines.push(`await ${PREFIX}_confine({ ${spec.join(', ')} });`);
  if (names.length > 0) lines.push(`export { ${names.map((name, i) => `${PREFIX}_e${i} as ${name}`).join(', ')} };`);
  for (const specifier of starExports) if (granted.has(specifier)) lines.push(`export * from ${JSON.stringify(specifier)};`);
  return `${lines.join('\n')}\n`;
}

/** Why the module may not load `specifier`, or undefined when it may. */
function refusal(specifier: string, request: WrapRequest): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/')) {
    const target = path.resolve(path.dirname(request.file), specifier);
    const denied = request.fsPolicy.denied.some(
      (entry) => target === entry || target.startsWith(`${entry}${path.sep}`) || stripExtension(entry) === stripExtension(target),
    );
    return denied ? `Cannot load '${specifier}': tests and ainative's files are not modules a generated module may import` : undefined;
  }
  const builtin = isBuiltin(specifier) ? specifier.replace(/^node:/, '') : undefined;
  const name = builtin ?? packageName(specifier);
  if (request.allow.includes(name) || request.allow.includes(name.split('/')[0]!)) return undefined;
  const what = builtin !== undefined ? `the Node built-in '${builtin}'` : `the package '${name}'`;
  return `Cannot load '${specifier}': the intent does not grant ${what}; add \`allow: [${builtin !== undefined ? name.split('/')[0] : name}]\` to its intent if it needs it`;
}

function importTarget(specifier: string): string {
  return isBuiltin(specifier) && !specifier.startsWith('node:') ? `node:${specifier}` : specifier;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function stripExtension(file: string): string {
  return file.replace(/\.[cm]?[jt]sx?$/, '');
}

/** The module compiled to a body for `(exports, require, module, __importMeta) => …`, comments removed. */
function compile(request: WrapRequest): string {
  const output = ts.transpileModule(request.source, {
    fileName: request.file,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      jsx: ts.JsxEmit.ReactJSX,
      removeComments: true,
      sourceMap: false,
    },
    transformers: { before: [replaceImportMeta, splitRefusedText] },
  });
  return output.outputText;
}

/** `import.meta` does not exist in a function body; the runtime passes the module's own as `__importMeta`. */
const replaceImportMeta: ts.TransformerFactory<ts.SourceFile> = (context) => (file) => {
  const visit = (node: ts.Node): ts.Node => {
    if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) return ts.factory.createIdentifier('__importMeta');
    return ts.visitEachChild(node, visit, context);
  };
  return ts.visitNode(file, visit) as ts.SourceFile;
};

interface ModuleShape {
  specifiers: Set<string>;
  exportNames: Set<string>;
  /** `export * from '…'`: names known only at run time. */
  starExports: Set<string>;
}

/** What the module imports and which value names it exports (types left out). */
function readModuleShape(file: ts.SourceFile): ModuleShape {
  const shape: ModuleShape = { specifiers: new Set(), exportNames: new Set(), starExports: new Set() };
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteralLike(argument)) shape.specifiers.add(argument.text);
    }
    ts.forEachChild(node, visit);
  };
  for (const statement of file.statements) {
    readStatement(statement, shape);
    visit(statement);
  }
  return shape;
}

function readStatement(statement: ts.Statement, shape: ModuleShape): void {
  if (ts.isImportDeclaration(statement)) {
    if (!statement.importClause?.isTypeOnly && ts.isStringLiteral(statement.moduleSpecifier))
      shape.specifiers.add(statement.moduleSpecifier.text);
    return;
  }
  if (ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference)) {
    const expression = statement.moduleReference.expression;
    if (!statement.isTypeOnly && ts.isStringLiteral(expression)) shape.specifiers.add(expression.text);
    return;
  }
  if (ts.isExportDeclaration(statement)) {
    readExportDeclaration(statement, shape);
    return;
  }
  if (ts.isExportAssignment(statement)) {
    if (!statement.isExportEquals) shape.exportNames.add('default');
    return;
  }
  if (!hasModifier(statement, ts.SyntaxKind.ExportKeyword) || hasModifier(statement, ts.SyntaxKind.DeclareKeyword)) return;
  const isDefault = hasModifier(statement, ts.SyntaxKind.DefaultKeyword);
  if (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) {
    if (isDefault) shape.exportNames.add('default');
    else if (statement.name) shape.exportNames.add(statement.name.text);
  } else if (ts.isVariableStatement(statement)) {
    for (const declaration of statement.declarationList.declarations) addBindingNames(declaration.name, shape.exportNames);
  } else if (ts.isEnumDeclaration(statement) || (ts.isModuleDeclaration(statement) && ts.isIdentifier(statement.name))) {
    shape.exportNames.add(statement.name.text);
  }
}

function readExportDeclaration(statement: ts.ExportDeclaration, shape: ModuleShape): void {
  if (statement.isTypeOnly) return;
  const from = statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier) ? statement.moduleSpecifier.text : undefined;
  if (from !== undefined) shape.specifiers.add(from);
  const clause = statement.exportClause;
  if (!clause) {
    if (from !== undefined) shape.starExports.add(from);
  } else if (ts.isNamespaceExport(clause)) {
    shape.exportNames.add(clause.name.text);
  } else {
    for (const element of clause.elements) if (!element.isTypeOnly) shape.exportNames.add(element.name.text);
  }
}

function addBindingNames(name: ts.BindingName, names: Set<string>): void {
  if (ts.isIdentifier(name)) names.add(name.text);
  else for (const element of name.elements) if (!ts.isOmittedExpression(element)) addBindingNames(element.name, names);
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === kind);
}
