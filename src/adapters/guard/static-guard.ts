// A static guard against reward hacking. The model's module is judged by the project's tests, and a model can "pass"
// them without doing the work: end the run early, read the expected values from the tests, patch `Object.is` or
// `expect`, or load code the guard cannot see. This inspects the candidate source before it ever runs. It parses
// only (no type checker, ~1 ms) and errs on the side of refusing: a refusal comes back to the model as feedback with
// the reason and the line, and the legitimate way out (e.g. the intent's `allow:` list).
import { ts } from 'ts-morph';
import type { TypeProblem } from '../../core/ports.js';
import { GuardContext, type GuardSettings } from './context.js';
import { checkReference } from './globals.js';
import { checkFrameworkName, checkImportMeta, checkMember, checkModuleArguments, checkProxy, checkSymbolFor } from './members.js';
import { checkModuleReference, collectImportBindings } from './modules.js';
import { checkMutatorCall } from './mutators.js';
import { normalizeRepoPath } from './paths.js';
import { isAmbient } from './scope.js';
import { checkString } from './strings.js';

export { GUARDED_NODE_MODULES } from './modules.js';

/** What the guard needs to judge one candidate module. Paths are repo-relative. */
export interface StaticGuardOptions {
  /** Repo-relative path of the module, e.g. `src/cart.ts`. */
  modulePath: string;
  /** The candidate source. */
  code: string;
  /** Files the module must never import or read: tests, holdout tests, intent files, `ainative.lock`, configs. */
  protectedPaths: string[];
  /** Folders holding tests, e.g. `['test']`. */
  testDirs: string[];
  /** Node built-ins and packages this intent grants, e.g. `['fs']`, with or without `node:`. */
  allow: string[];
  /**
   * `confined` (default): the module will load only what `allow` grants, so any other built-in or package is reported
   * now. `shared`: it runs in the test realm, where only the built-ins that reach outside its job need a grant.
   */
  isolation?: 'confined' | 'shared';
}

type Rule = (node: ts.Node, ctx: GuardContext) => void;
const K = ts.SyntaxKind;

// Rules by the node kinds they judge, so that the walk costs little more than the parse. Parents are visited before
// children: rules that judge a literal in context (import specifiers, Symbol.for keys) mark it before the generic
// string rule reaches it.
const RULES = new Map<ts.SyntaxKind, readonly Rule[]>([
  [K.ImportDeclaration, [checkModuleReference]],
  [K.ExportDeclaration, [checkModuleReference]],
  [K.ImportEqualsDeclaration, [checkModuleReference]],
  [K.CallExpression, [checkModuleReference, checkMutatorCall, checkSymbolFor, checkProxy]],
  [K.NewExpression, [checkProxy]],
  [K.Identifier, [checkReference, checkFrameworkName, checkModuleArguments]],
  [K.PropertyAccessExpression, [checkReference, checkMember]],
  [K.ElementAccessExpression, [checkReference, checkMember]],
  [K.BindingElement, [checkMember]],
  [K.MetaProperty, [checkImportMeta]],
  ...[K.StringLiteral, K.NoSubstitutionTemplateLiteral, K.TemplateExpression, K.BinaryExpression].map(
    (kind) => [kind, [checkString]] as const,
  ),
  ...[K.TemplateHead, K.TemplateMiddle, K.TemplateTail].map((kind) => [kind, [checkString]] as const),
]);

/** Finds code that could game the tests instead of passing them; one `unsafe code: …` problem per violation. */
export function findUnsafeCode(options: StaticGuardOptions): TypeProblem[] {
  const ctx = new GuardContext(settingsOf(options));
  try {
    const kind = scriptKind(options);
    const source = ts.createSourceFile(options.modulePath, options.code, ts.ScriptTarget.Latest, true, kind);
    collectImportBindings(source, ctx);
    visit(source, ctx);
  } catch (error) {
    // Fail closed: a module nested too deeply for the parser's or the guard's recursion is not let through unread.
    if (!(error instanceof RangeError)) throw error;
    return [{ message: 'unsafe code: the module is nested too deeply for the guard to inspect; flatten it' }];
  }
  return ctx.problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

function scriptKind(options: StaticGuardOptions): ts.ScriptKind {
  return /\.[jt]sx$/.test(options.modulePath) ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
}

function settingsOf(options: StaticGuardOptions): GuardSettings {
  const repoPaths = (paths: string[]) => paths.map(normalizeRepoPath).filter((p) => p !== '' && !p.startsWith('..'));
  return {
    modulePath: normalizeRepoPath(options.modulePath),
    protectedPaths: repoPaths(options.protectedPaths),
    testDirs: repoPaths(options.testDirs),
    allow: new Set(options.allow.map((name) => name.trim().replace(/^node:/, ''))),
    confined: options.isolation !== 'shared',
  };
}

function visit(root: ts.Node, ctx: GuardContext): void {
  const walk = (node: ts.Node): void => {
    if (isErased(node)) return;
    const rules = RULES.get(node.kind);
    if (rules) for (const rule of rules) rule(node, ctx);
    ts.forEachChild(node, walk);
  };
  walk(root);
}

// Types, ambient declarations and type-only imports do not exist at runtime, so nothing in them can act.
function isErased(node: ts.Node): boolean {
  if (ts.isTypeNode(node) && !ts.isExpressionWithTypeArguments(node)) return true;
  if (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) || isAmbient(node)) return true;
  if (ts.isImportDeclaration(node)) return node.importClause?.isTypeOnly === true;
  return (ts.isExportDeclaration(node) || ts.isImportEqualsDeclaration(node)) && node.isTypeOnly;
}
