// Just enough scope analysis to tell a global (`process`, `Object`, `expect`) from a local of the same name, so that
// `const self = this; self.x = 1` is not judged as a write to the global `self`. Ambient (`declare`) and type-only
// declarations bind nothing at runtime, so they never hide a global.
import { ts } from 'ts-morph';

const NONE: ReadonlySet<string> = new Set();
const K = ts.SyntaxKind;

/** Which names each scope of one source file declares at runtime; scopes are computed once, on demand. */
export class Scopes {
  private readonly cache = new Map<ts.Node, ReadonlySet<string>>();

  /** True when no scope enclosing `id` declares its name, i.e. it refers to a global. */
  isGlobal(id: ts.Identifier): boolean {
    return this.declaringScope(id) === undefined;
  }

  /** The nearest enclosing node whose scope declares the name of `id`; undefined for a global. */
  declaringScope(id: ts.Identifier): ts.Node | undefined {
    for (let node: ts.Node | undefined = id.parent; node; node = node.parent) {
      if (this.declared(node).has(id.text)) return node;
    }
    return undefined;
  }

  private declared(node: ts.Node): ReadonlySet<string> {
    let names = this.cache.get(node);
    if (!names) {
      names = declaredBy(node);
      this.cache.set(node, names);
    }
    return names;
  }
}

function declaredBy(node: ts.Node): ReadonlySet<string> {
  const names = new Set<string>();
  if (hasStatements(node)) for (const statement of node.statements) addStatement(statement, names);
  if (ts.isFunctionLike(node)) {
    for (const parameter of node.parameters) addBinding(parameter.name, names);
    if (ts.isFunctionExpression(node) && node.name) names.add(node.name.text);
  }
  if (ts.isSourceFile(node)) addHoistedVars(node, names);
  if (ts.isFunctionLike(node) && 'body' in node && node.body) addHoistedVars(node.body, names);
  if ((ts.isForStatement(node) || ts.isForInStatement(node) || ts.isForOfStatement(node)) && node.initializer) {
    if (ts.isVariableDeclarationList(node.initializer)) addList(node.initializer, names);
  }
  if (ts.isCatchClause(node) && node.variableDeclaration) addBinding(node.variableDeclaration.name, names);
  if (ts.isClassLike(node) && node.name) names.add(node.name.text);
  return names.size > 0 ? names : NONE;
}

function hasStatements(node: ts.Node): node is ts.Node & { statements: ts.NodeArray<ts.Statement> } {
  const kind = node.kind;
  return kind === K.SourceFile || kind === K.Block || kind === K.ModuleBlock || kind === K.CaseClause || kind === K.DefaultClause;
}

function addStatement(statement: ts.Statement, names: Set<string>): void {
  if (isAmbient(statement)) return;
  if (ts.isVariableStatement(statement)) addList(statement.declarationList, names);
  else if (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)) {
    if (statement.name) names.add(statement.name.text);
  } else if (ts.isModuleDeclaration(statement) && ts.isIdentifier(statement.name) && isInstantiated(statement)) {
    names.add(statement.name.text);
  } else if (ts.isImportDeclaration(statement)) addImport(statement, names);
  else if (ts.isImportEqualsDeclaration(statement) && !statement.isTypeOnly) names.add(statement.name.text);
}

function addImport(statement: ts.ImportDeclaration, names: Set<string>): void {
  const clause = statement.importClause;
  if (!clause || clause.isTypeOnly) return;
  if (clause.name) names.add(clause.name.text);
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
  if (bindings && ts.isNamedImports(bindings)) {
    for (const element of bindings.elements) if (!element.isTypeOnly) names.add(element.name.text);
  }
}

// `var` is function-scoped: a declaration in any nested block (but not a nested function) binds the name here.
function addHoistedVars(root: ts.Node, names: Set<string>): void {
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) || ts.isClassStaticBlockDeclaration(node) || isAmbient(node)) return;
    if (ts.isVariableDeclarationList(node) && (node.flags & ts.NodeFlags.BlockScoped) === 0) addList(node, names);
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(root, visit);
}

function addList(list: ts.VariableDeclarationList, names: Set<string>): void {
  for (const declaration of list.declarations) addBinding(declaration.name, names);
}

function addBinding(name: ts.BindingName, names: Set<string>): void {
  if (ts.isIdentifier(name)) {
    names.add(name.text);
    return;
  }
  for (const element of name.elements) if (!ts.isOmittedExpression(element)) addBinding(element.name, names);
}

// A namespace holding only types is erased, so it hides nothing at runtime.
function isInstantiated(declaration: ts.ModuleDeclaration): boolean {
  const body = declaration.body;
  if (!body) return false;
  if (ts.isModuleDeclaration(body)) return isInstantiated(body);
  if (!ts.isModuleBlock(body)) return false;
  return body.statements.some((s) => !ts.isInterfaceDeclaration(s) && !ts.isTypeAliasDeclaration(s) && !isAmbient(s));
}

/** True for declarations with a `declare` modifier: they describe something that exists, they create nothing. */
export function isAmbient(node: ts.Node): boolean {
  // Read the field directly: this runs for every node, and ts.getModifiers() allocates.
  const modifiers = (node as { modifiers?: ts.NodeArray<ts.ModifierLike> }).modifiers;
  return modifiers?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword) ?? false;
}
