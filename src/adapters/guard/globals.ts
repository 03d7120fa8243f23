// Rules about globals: writes to the global object, to built-ins and their prototypes, to shared Node modules; the
// test framework's globals; and the globals that run code from strings (`eval`, `Function`, `require`).
import { ts } from 'ts-morph';
import {
  accessOn,
  destructuredKeys,
  isAccess,
  isInspectedOnly,
  isValueReference,
  isWriteTarget,
  memberName,
  outermost,
  shortText,
} from './ast.js';
import { GLOBAL_OBJECTS, globalName, isProcess, type GuardContext } from './context.js';
import { chainTop, isMutatorTarget } from './mutators.js';
import { checkProcessUse, processMemberProblem } from './process.js';

// biome-ignore format: a word list, several to a line.
const TEST_GLOBALS = new Set(['expect', 'vi', 'vitest', 'jest', 'chai', 'assert', 'should', 'describe', 'it', 'test',
  'suite', 'bench', 'beforeAll', 'afterAll', 'beforeEach', 'afterEach', 'onTestFailed', 'onTestFinished',
  'expectTypeOf', 'assertType']);
// Constructors are passed around legitimately (`items.map(Number)`), so only aliasing them is refused.
// biome-ignore format: a word list, several to a line.
const CONSTRUCTORS = new Set(['Object', 'Function', 'Array', 'String', 'Number', 'Boolean', 'Symbol', 'BigInt', 'Date',
  'RegExp', 'Error', 'AggregateError', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError',
  'URIError', 'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry', 'Promise', 'Proxy', 'ArrayBuffer',
  'SharedArrayBuffer', 'DataView', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array', 'Iterator', 'Buffer',
  'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder', 'AbortController', 'AbortSignal', 'EventTarget', 'Event',
  'Request', 'Response', 'Headers', 'Blob']);
// Namespace objects have no reason to travel as values at all.
const NAMESPACES = new Set(['Math', 'JSON', 'Reflect', 'Intl', 'Atomics', 'console', 'WebAssembly', 'performance', 'crypto']);
const DYNAMIC = new Set(['eval', 'Function', 'require']);
// Vitest's state (`__vitest_worker__`) and the loaders Vite's module runner puts in scope (`__vite_ssr_import__`).
const RUNNER_INTERNALS = /^__vi(test|te|_)/;
const WATCHED = new Set([...GLOBAL_OBJECTS, ...TEST_GLOBALS, ...CONSTRUCTORS, ...NAMESPACES, ...DYNAMIC, 'process']);

const EVAL = 'eval() runs code the guard cannot inspect; write the logic directly';
const FUNCTION = 'the Function constructor runs code built from strings; write the logic directly';
const REQUIRE = "require used as a value can load any file past the guard's import checks; use static imports";

/** Judges identifiers and `globalThis.x` accesses that name a global, process or a Node module binding. */
export function checkReference(node: ts.Node, ctx: GuardContext): void {
  if (ts.isIdentifier(node) ? !isWatched(node, ctx) : !isAccess(node)) return;
  if (isProcess(node, ctx)) {
    if (!reportWrite(node, 'process', ctx)) checkProcessUse(node, ctx);
    return;
  }
  const specifier = nodeModuleOf(node, ctx);
  if (specifier !== undefined) {
    reportWrite(node, `the Node module '${specifier}' that the tests share`, ctx);
    return;
  }
  const name = globalName(node, ctx);
  if (name === undefined || reportWrite(node, name, ctx)) return;
  checkGlobalUse(node, name, ctx);
}

// Scope lookups are the costly part, so only names a rule cares about, and roots of writes, get one.
function isWatched(id: ts.Identifier, ctx: GuardContext): boolean {
  const name = id.text;
  if (WATCHED.has(name) || RUNNER_INTERNALS.test(name) || ctx.processAliases.has(name)) return true;
  return ctx.nodeModuleBindings.has(name) || isWriteTarget(chainTop(id));
}

function nodeModuleOf(node: ts.Node, ctx: GuardContext): string | undefined {
  if (!ts.isIdentifier(node) || !isValueReference(node) || !ctx.isTopLevelImport(node)) return undefined;
  return ctx.nodeModuleBindings.get(node.text);
}

// Reports a write to the reference itself (`Object = …`, `globalThis.x = …`) or through it (`Object.is = …`).
function reportWrite(node: ts.Node, owner: string, ctx: GuardContext): boolean {
  const target = writtenThrough(node, owner);
  if (!target) return false;
  const verb = ts.isDeleteExpression(outermost(target).parent) ? 'deleting' : 'assigning to';
  ctx.report(target, `${verb} ${shortText(target)} patches ${ownerPhrase(owner)}; keep changes inside the module`);
  return true;
}

function writtenThrough(node: ts.Node, owner: string): ts.Node | undefined {
  if (isWriteTarget(node)) return node;
  const top = chainTop(node);
  return top !== node && isWriteTarget(top) && !isExempt(node, owner) ? top : undefined;
}

// Members of the global object are references of their own; `process.env.X = …` is the process's own business;
// `process.exit = …` gets the process message.
function isExempt(node: ts.Node, owner: string): boolean {
  if (GLOBAL_OBJECTS.has(owner)) return true;
  if (owner !== 'process') return false;
  const member = memberName(accessOn(node)!);
  return member === undefined || member === 'env' || member === 'exitCode' || processMemberProblem(member) !== undefined;
}

function ownerPhrase(owner: string): string {
  if (TEST_GLOBALS.has(owner)) return 'the test framework that judges this module';
  if (CONSTRUCTORS.has(owner) || NAMESPACES.has(owner)) return `the built-in ${owner} that the tests rely on`;
  if (owner.startsWith('the Node module')) return owner;
  return owner === 'process' ? 'the process object the tests run in' : 'global state shared with the tests';
}

function checkGlobalUse(node: ts.Node, name: string, ctx: GuardContext): void {
  if (GLOBAL_OBJECTS.has(name)) checkGlobalObjectUse(node, ctx);
  else if (name === 'eval') ctx.report(node, EVAL);
  else if (name === 'Function' && !accessOn(node) && !isInspectedOnly(node)) ctx.report(node, FUNCTION);
  else if (name === 'Function') checkConstructorUse(node, name, ctx);
  else if (name === 'require' && !isCallee(node)) ctx.report(node, REQUIRE);
  else if (TEST_GLOBALS.has(name)) {
    ctx.report(node, `${name} is the test framework's global; the module must not touch the framework that judges it`);
  } else if (RUNNER_INTERNALS.test(name)) {
    ctx.report(node, `${name} is part of the test runner's internals; the module must not touch it`);
  } else if (CONSTRUCTORS.has(name)) checkConstructorUse(node, name, ctx);
  else if (NAMESPACES.has(name) && isEscape(node, ctx)) {
    ctx.report(node, `${name} used as a value hides later writes to the built-in; use its members directly`);
  }
}

function checkGlobalObjectUse(node: ts.Node, ctx: GuardContext): void {
  const access = accessOn(node);
  if (access && memberName(access) === undefined) {
    ctx.report(
      access,
      `${shortText(access)} with a computed key can reach any global (eval, process, the test framework's state); use a literal name`,
    );
  }
  // Destructuring the global object (`const { process: p } = globalThis`) renames globals, so it escapes too.
  if (!access && isEscape(node, ctx, false)) {
    ctx.report(
      node,
      `${shortText(node)} used as a value (aliased, passed or destructured) hides which globals are read or written; use the globals directly`,
    );
  }
}

function checkConstructorUse(node: ts.Node, name: string, ctx: GuardContext): void {
  if (isAliased(node)) {
    ctx.report(node, `aliasing ${name} hides later writes to the built-in; use ${name} directly`);
    return;
  }
  const keys = destructuredKeys(node);
  const access = accessOn(node);
  const prototypeEscapes = access && memberName(access) === 'prototype' && isEscape(access, ctx);
  if (keys?.some((key) => key === 'prototype' || typeof key !== 'string') || prototypeEscapes) {
    ctx.report(access ?? node, `${name}.prototype used as a value hides later writes to a shared prototype; call its methods directly`);
  }
}

// A value escapes unless only its members are read (by access or, where allowed, by destructuring), it is only
// inspected, or a mutator rule judges the call.
function isEscape(node: ts.Node, ctx: GuardContext, destructuringReads = true): boolean {
  if (accessOn(node) || isInspectedOnly(node) || isMutatorTarget(node, ctx)) return false;
  return !destructuringReads || destructuredKeys(node) === undefined;
}

// `const x = value`, `this.x = value`, `x = value`: the value gets a second name.
function isAliased(node: ts.Node): boolean {
  const outer = outermost(node);
  const parent = outer.parent;
  if (destructuredKeys(node) !== undefined) return false;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyDeclaration(parent)) return parent.initializer === outer;
  const isAssignment = ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken;
  return isAssignment && parent.right === outer;
}

function isCallee(node: ts.Node): boolean {
  const outer = outermost(node);
  return ts.isCallExpression(outer.parent) && outer.parent.expression === outer;
}
