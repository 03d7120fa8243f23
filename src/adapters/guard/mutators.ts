// Writes to shared objects that do not look like assignments: `Object.defineProperty(globalThis, …)`,
// `Reflect.set(Object, 'is', …)`, `Object.assign(Array.prototype, …)`, and writes through `Object.getPrototypeOf()`.
import { ts } from 'ts-morph';
import { accessOn, isAccess, isWriteTarget, memberName, outermost, shortText, unwrap } from './ast.js';
import { globalName, isProcess, type GuardContext } from './context.js';

const MUTATORS: Readonly<Record<string, ReadonlySet<string>>> = {
  Object: new Set(['defineProperty', 'defineProperties', 'setPrototypeOf', 'assign']),
  Reflect: new Set(['set', 'defineProperty', 'setPrototypeOf', 'deleteProperty']),
};

/** `Object.defineProperty` for a callee naming a mutator of the global Object or Reflect; undefined otherwise. */
function mutatorName(callee: ts.Expression, ctx: GuardContext): string | undefined {
  const inner = unwrap(callee);
  if (!isAccess(inner)) return undefined;
  const method = memberName(inner);
  const owner = globalName(unwrap(inner.expression), ctx);
  if (method === undefined || owner === undefined || !Object.hasOwn(MUTATORS, owner)) return undefined;
  return MUTATORS[owner].has(method) ? `${owner}.${method}` : undefined;
}

/** True when `node` is the first argument of a mutator call, i.e. the object the call changes. */
export function isMutatorTarget(node: ts.Node, ctx: GuardContext): boolean {
  const outer = outermost(node);
  const call = outer.parent;
  return ts.isCallExpression(call) && call.arguments[0] === outer && mutatorName(call.expression, ctx) !== undefined;
}

/** Judges mutator calls whose target is global state, and writes through `Object.getPrototypeOf()`. */
export function checkMutatorCall(node: ts.Node, ctx: GuardContext): void {
  if (!ts.isCallExpression(node)) return;
  const mutator = mutatorName(node.expression, ctx);
  const target = node.arguments[0];
  if (mutator && target && isSharedTarget(target, ctx)) {
    ctx.report(node, `${mutator}() on ${shortText(target)} patches global state the tests rely on; keep changes inside the module`);
  }
  if (isPrototypeLookup(node, ctx) && isWriteTarget(chainTop(node))) {
    ctx.report(node, `writing ${shortText(chainTop(node))} patches a shared prototype; keep changes inside the module`);
  }
}

// Shared: a global (or a member of one), process, a Node built-in module, a prototype reached by lookup.
function isSharedTarget(expression: ts.Expression, ctx: GuardContext): boolean {
  let root = unwrap(expression);
  while (isAccess(root)) {
    if (memberName(root) === '__proto__') return true;
    if (globalName(root, ctx) !== undefined) return true;
    root = unwrap(root.expression);
  }
  if (ts.isCallExpression(root)) return isPrototypeLookup(root, ctx);
  if (!ts.isIdentifier(root)) return false;
  if (isProcess(root, ctx) || globalName(root, ctx) !== undefined) return true;
  return ctx.nodeModuleBindings.has(root.text) && ctx.isTopLevelImport(root);
}

function isPrototypeLookup(call: ts.CallExpression, ctx: GuardContext): boolean {
  const callee = unwrap(call.expression);
  if (!isAccess(callee) || memberName(callee) !== 'getPrototypeOf') return false;
  const owner = globalName(unwrap(callee.expression), ctx);
  return owner === 'Object' || owner === 'Reflect';
}

/** The outermost access of the chain `node.a.b['c']` starts. */
export function chainTop(node: ts.Node): ts.Node {
  let top = node;
  for (let access = accessOn(top); access; access = accessOn(top)) top = access;
  return top;
}
