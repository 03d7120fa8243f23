// The state one guard run shares between its rules: settings, the problems found so far, scope answers, and what
// the module's imports bound. Also the one question every rule asks: which global does this expression name?
import { ts } from 'ts-morph';
import type { TypeProblem } from '../../core/ports.js';
import { isAccess, isValueReference, lineOf, memberName, unwrap } from './ast.js';
import { Scopes } from './scope.js';

/** Normalised, repo-relative settings of one guard run. */
export interface GuardSettings {
  modulePath: string;
  protectedPaths: string[];
  testDirs: string[];
  /** Allowed Node modules and packages, without the `node:` prefix. */
  allow: ReadonlySet<string>;
  /** The module will run confined: it loads only what `allow` grants. */
  confined: boolean;
}

/** Objects whose properties are the globals themselves. */
export const GLOBAL_OBJECTS: ReadonlySet<string> = new Set(['globalThis', 'global', 'window', 'self']);

/** State of one guard run. */
export class GuardContext {
  readonly problems: TypeProblem[] = [];
  readonly scopes = new Scopes();
  /** Literals already judged by a more specific rule (module specifiers, Symbol.for keys). */
  readonly judged = new Set<ts.Node>();
  /** Local names an import binds to the `process` module: they are `process` under another name. */
  readonly processAliases = new Set<string>();
  /** Local names an import binds to a Node built-in module, mapped to its specifier. */
  readonly nodeModuleBindings = new Map<string, string>();
  private readonly seen = new Set<string>();

  constructor(readonly settings: GuardSettings) {}

  /** Records `unsafe code: <what>` at the line of `node`, once per line and message. */
  report(node: ts.Node, what: string): void {
    const line = lineOf(node);
    const message = `unsafe code: ${what}`;
    const key = `${line}\n${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.problems.push({ message, line });
  }

  /** True when `id` is an import binding from the file's top level (not a local that shadows it). */
  isTopLevelImport(id: ts.Identifier): boolean {
    return ts.isSourceFile(this.scopes.declaringScope(id) ?? id);
  }
}

/** The global an expression names: `X` for a global identifier `X`, and for `G.X` / `G['X']` on a global object G. */
export function globalName(node: ts.Node, ctx: GuardContext): string | undefined {
  if (ts.isIdentifier(node)) return isValueReference(node) && ctx.scopes.isGlobal(node) ? node.text : undefined;
  if (!isAccess(node)) return undefined;
  const name = memberName(node);
  return name !== undefined && isGlobalObject(node.expression, ctx) ? name : undefined;
}

/** True for `globalThis`, `global`, `window`, `self` (when not shadowed) and chains like `globalThis.global`. */
function isGlobalObject(expression: ts.Expression, ctx: GuardContext): boolean {
  const inner = unwrap(expression);
  // Cheap name test first: most accesses are on locals and need no scope lookup.
  const name = ts.isIdentifier(inner) ? inner.text : isAccess(inner) ? memberName(inner) : undefined;
  if (name === undefined || !GLOBAL_OBJECTS.has(name)) return false;
  return globalName(inner, ctx) === name;
}

/** True when `node` is the process object: the global `process` (also `globalThis.process`) or an import alias of it. */
export function isProcess(node: ts.Node, ctx: GuardContext): boolean {
  if (ts.isIdentifier(node) && ctx.processAliases.has(node.text) && isValueReference(node)) {
    return ctx.isTopLevelImport(node);
  }
  if (ts.isIdentifier(node) && node.text !== 'process') return false;
  return globalName(node, ctx) === 'process';
}
