// Rules keyed on member names rather than on globals: `.constructor` (a road to the Function constructor),
// `__proto__` and the legacy accessor methods, `createRequire`, `import.meta.glob`/`import.meta.vitest`,
// `Symbol.for()` keys of the test framework, and `asymmetricMatch`, which makes any value equal anything in
// `toEqual`.
import { ts } from 'ts-morph';
import {
  accessOn,
  constantString,
  isAccess,
  isInspectedOnly,
  isValueReference,
  memberName,
  outermost,
  propertyKey,
  squeeze,
  unwrap,
} from './ast.js';
import { globalName, type GuardContext } from './context.js';
import { CREATE_REQUIRE } from './modules.js';

const CONSTRUCTOR =
  '.constructor used this way can reach the Function constructor, which runs code built from strings; write the logic directly';
const PROTOTYPE_HOOKS = new Set(['__proto__', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']);
const MATCHER = "asymmetricMatch makes a value equal anything in the tests' toEqual(); return real values instead";
const FRAMEWORK_KEY = /jest|vitest|chai|matcher|expect/i;
const CALLER_STACK = 'reading the stack of a fresh Error tells the module which test calls it; compute the result from the inputs';

/** Judges member accesses and destructured keys by name. */
export function checkMember(node: ts.Node, ctx: GuardContext): void {
  if (isAccess(node)) {
    const name = memberName(node);
    if (name === 'constructor' && !isNameRead(node) && !isInspectedOnly(node)) ctx.report(node, CONSTRUCTOR);
    else if (name === 'stack' && isFreshError(node.expression, ctx)) ctx.report(node, CALLER_STACK);
    else if (name !== undefined) checkMemberName(node, name, ctx);
  }
  if (ts.isBindingElement(node)) {
    const key = propertyKey(node.propertyName ?? (ts.isIdentifier(node.name) ? node.name : undefined));
    if (key === 'constructor') ctx.report(node, CONSTRUCTOR);
    else if (key !== undefined) checkMemberName(node, key, ctx);
  }
}

function checkMemberName(node: ts.Node, name: string, ctx: GuardContext): void {
  if (PROTOTYPE_HOOKS.has(name)) {
    ctx.report(node, `${name} reaches and rewrites shared prototypes; use Object.create() or a class`);
  } else if (name === 'createRequire') ctx.report(node, CREATE_REQUIRE);
}

// `new Error().stack` names the caller: the test file and line, a key for answers memorised from earlier feedback.
function isFreshError(expression: ts.Expression, ctx: GuardContext): boolean {
  const inner = unwrap(expression);
  if (!ts.isNewExpression(inner) && !ts.isCallExpression(inner)) return false;
  const name = globalName(unwrap(inner.expression), ctx);
  return name?.endsWith('Error') ?? false;
}

// `x.constructor.name` only reads a string.
function isNameRead(node: ts.Node): boolean {
  const access = accessOn(node);
  return access !== undefined && memberName(access) === 'name';
}

/** Judges `import.meta.glob` (Vite reads any files by pattern) and `import.meta.vitest` (in-source testing). */
export function checkImportMeta(node: ts.Node, ctx: GuardContext): void {
  if (!ts.isMetaProperty(node) || node.keywordToken !== ts.SyntaxKind.ImportKeyword) return;
  const access = accessOn(node);
  if (!access) return;
  const name = memberName(access);
  if (name === undefined) ctx.report(access, "import.meta[…] with a computed key can reach Vite's file loaders; use a literal name");
  else if (name.startsWith('glob')) {
    ctx.report(access, `import.meta.${name}() loads files by pattern, including the tests; import the modules you need`);
  } else if (name === 'vitest')
    ctx.report(access, "import.meta.vitest is the test framework's in-source API; the module must not touch it");
}

/** Judges `Symbol.for()` keys: the test framework keeps its state and matcher markers under shared symbols. */
export function checkSymbolFor(node: ts.Node, ctx: GuardContext): void {
  if (!ts.isCallExpression(node)) return;
  const callee = unwrap(node.expression);
  if (!isAccess(callee) || memberName(callee) !== 'for') return;
  if (globalName(unwrap(callee.expression), ctx) !== 'Symbol') return;
  const argument = node.arguments[0] && unwrap(node.arguments[0]);
  const key = argument && constantString(argument);
  if (argument && key !== undefined) ctx.judged.add(argument);
  if (key === undefined) {
    ctx.report(node, "Symbol.for() with a computed key can reach the test framework's shared state; use a literal key");
  } else if (FRAMEWORK_KEY.test(key)) {
    ctx.report(node, `Symbol.for('${squeeze(key)}') reaches the test framework's shared state; the module must not touch it`);
  }
}

/** Judges declared and accessed names that only the test framework gives meaning to. */
export function checkFrameworkName(node: ts.Node, ctx: GuardContext): void {
  if (ts.isIdentifier(node) && node.text === 'asymmetricMatch') ctx.report(node, MATCHER);
}

/**
 * Judges `arguments` outside any function: under Vitest the module body runs inside the test runner's wrapper
 * function, whose arguments include its dynamic import (`arguments[3]('../test/x.test.ts')`).
 */
export function checkModuleArguments(node: ts.Node, ctx: GuardContext): void {
  if (!ts.isIdentifier(node) || node.text !== 'arguments' || !isValueReference(node)) return;
  for (let scope = node.parent; !ts.isSourceFile(scope); scope = scope.parent) {
    if (ts.isFunctionLike(scope) && !ts.isArrowFunction(scope)) return;
  }
  ctx.report(node, "arguments outside a function is the test runner's module wrapper (its loaders); the module must not touch it");
}

const PROXY_HAS =
  "a Proxy with a has trap can pose as a test matcher ('asymmetricMatch' in value) and make toEqual() pass; return plain values";
const PROXY_HIDDEN =
  'a Proxy whose handler is not an object literal in this module can pose as a test matcher; write the handler inline, without a has trap';

/** Judges `new Proxy(target, handler)` and `Proxy.revocable(…)`: a `has` trap can answer yes to any key. */
export function checkProxy(node: ts.Node, ctx: GuardContext): void {
  if (!ts.isNewExpression(node) && !ts.isCallExpression(node)) return;
  const handler = node.arguments?.[1];
  if (!handler || !isProxyCall(node, ctx)) return;
  const literal = handlerLiteral(handler, ctx);
  if (!literal) ctx.report(node, PROXY_HIDDEN);
  else if (literal.properties.some(mayBeHasTrap)) ctx.report(node, PROXY_HAS);
}

function mayBeHasTrap(property: ts.ObjectLiteralElementLike): boolean {
  if (ts.isSpreadAssignment(property)) return true;
  const key = propertyKey(property.name);
  return key === undefined || key === 'has';
}

// The handler's object literal: inline, or the initializer of a `const` whose name is used for nothing but Proxy
// handlers, so that no later write (`traps.has = …`, `Object.assign(traps, …)`) can add a trap unseen.
function handlerLiteral(handler: ts.Expression, ctx: GuardContext): ts.ObjectLiteralExpression | undefined {
  const inner = unwrap(handler);
  if (ts.isObjectLiteralExpression(inner)) return inner;
  if (!ts.isIdentifier(inner)) return undefined;
  const declarations: ts.VariableDeclaration[] = [];
  let otherUses = 0;
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === inner.text) {
      declarations.push(node);
    } else if (ts.isIdentifier(node) && node.text === inner.text && isValueReference(node)) {
      if (!isProxyHandler(node, ctx)) otherUses++;
    }
    ts.forEachChild(node, visit);
  };
  visit(inner.getSourceFile());
  const [only] = declarations;
  if (declarations.length !== 1 || otherUses > 0 || (only.parent.flags & ts.NodeFlags.Const) === 0) return undefined;
  const initializer = only.initializer && unwrap(only.initializer);
  return initializer && ts.isObjectLiteralExpression(initializer) ? initializer : undefined;
}

function isProxyHandler(node: ts.Node, ctx: GuardContext): boolean {
  const outer = outermost(node);
  const call = outer.parent;
  if (!ts.isNewExpression(call) && !ts.isCallExpression(call)) return false;
  return call.arguments?.[1] === outer && isProxyCall(call, ctx);
}

function isProxyCall(node: ts.NewExpression | ts.CallExpression, ctx: GuardContext): boolean {
  const callee = unwrap(node.expression);
  if (ts.isNewExpression(node)) return globalName(callee, ctx) === 'Proxy';
  return isAccess(callee) && memberName(callee) === 'revocable' && globalName(unwrap(callee.expression), ctx) === 'Proxy';
}
