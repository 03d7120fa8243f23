// Small syntax helpers for the static guard: they answer "what is this expression and how is it used" without a
// type checker, so that the guard stays a single fast parse.
import { ts } from 'ts-morph';

/** A property or element access: `a.b`, `a?.b`, `a['b']`. */
export type Access = ts.PropertyAccessExpression | ts.ElementAccessExpression;

const WRAPPERS: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.ParenthesizedExpression,
  ts.SyntaxKind.AsExpression,
  ts.SyntaxKind.NonNullExpression,
  ts.SyntaxKind.TypeAssertionExpression,
  ts.SyntaxKind.SatisfiesExpression,
]);

/** True for wrappers that change neither the value nor who gets it: `(x)`, `x as T`, `x!`, `<T>x`, `x satisfies T`. */
function isWrapper(node: ts.Node): node is ts.Expression & { expression: ts.Expression } {
  return WRAPPERS.has(node.kind);
}

/** The expression inside any wrappers. */
export function unwrap(node: ts.Expression): ts.Expression {
  let inner = node;
  while (isWrapper(inner)) inner = inner.expression;
  return inner;
}

/** The outermost wrapper around `node` (itself when unwrapped), i.e. the node whose parent consumes the value. */
export function outermost(node: ts.Node): ts.Node {
  let outer = node;
  while (isWrapper(outer.parent)) outer = outer.parent;
  return outer;
}

/** The text of a string literal or a template literal without substitutions. */
export function literalText(node: ts.Node | undefined): string | undefined {
  if (!node) return undefined;
  const inner = ts.isExpression(node) ? unwrap(node) : node;
  return ts.isStringLiteral(inner) || ts.isNoSubstitutionTemplateLiteral(inner) ? inner.text : undefined;
}

// Folding is recursive; a pathological chain must not overflow the stack.
const MAX_FOLD_DEPTH = 400;

/** The value of a constant string expression (literals, `+` and templates of constants); undefined otherwise. */
export function constantString(node: ts.Expression, depth = 0): string | undefined {
  if (depth > MAX_FOLD_DEPTH) return undefined;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isParenthesizedExpression(node)) return constantString(node.expression, depth + 1);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = constantString(node.left, depth + 1);
    const right = left === undefined ? undefined : constantString(node.right, depth + 1);
    return right === undefined ? undefined : left + right;
  }
  if (!ts.isTemplateExpression(node)) return undefined;
  let text = node.head.text;
  for (const span of node.templateSpans) {
    const value = constantString(span.expression, depth + 1);
    if (value === undefined) return undefined;
    text += value + span.literal.text;
  }
  return text;
}

/** True for property and element accesses. */
export function isAccess(node: ts.Node): node is Access {
  return ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node);
}

/** The member an access reads: `b` in `a.b` and `a['b']`; undefined when the key is computed. */
export function memberName(access: Access): string | undefined {
  if (ts.isPropertyAccessExpression(access)) return access.name.text;
  const key = unwrap(access.argumentExpression);
  if (ts.isNumericLiteral(key)) return key.text;
  // Folded, so that `process['ex' + 'it']` is judged as `process.exit`.
  return constantString(key);
}

/** The access that reads a member of `node` (through wrappers), if that is how its value is used. */
export function accessOn(node: ts.Node): Access | undefined {
  const outer = outermost(node);
  const parent = outer.parent;
  return isAccess(parent) && parent.expression === outer ? parent : undefined;
}

/** The key of a property name (`a`, `'a'`, `['a']`, `1`); undefined when computed. */
export function propertyKey(name: ts.PropertyName | undefined): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isComputedPropertyName(name)) return constantString(unwrap(name.expression));
  return ts.isStringLiteral(name) || ts.isNumericLiteral(name) ? name.text : undefined;
}

const ASSIGNMENT_FIRST = ts.SyntaxKind.FirstAssignment;
const ASSIGNMENT_LAST = ts.SyntaxKind.LastAssignment;

function isAssignment(node: ts.Node): node is ts.BinaryExpression {
  if (!ts.isBinaryExpression(node)) return false;
  const kind = node.operatorToken.kind;
  return kind >= ASSIGNMENT_FIRST && kind <= ASSIGNMENT_LAST;
}

/** True when `node` is written: assigned (also compound or destructuring), incremented, deleted, a for-in/of target. */
export function isWriteTarget(node: ts.Node): boolean {
  const outer = outermost(node);
  const parent = outer.parent;
  if (isAssignment(parent)) return parent.left === outer;
  if (ts.isPrefixUnaryExpression(parent) || ts.isPostfixUnaryExpression(parent)) {
    return parent.operator === ts.SyntaxKind.PlusPlusToken || parent.operator === ts.SyntaxKind.MinusMinusToken;
  }
  if (ts.isDeleteExpression(parent)) return true;
  if (ts.isForInStatement(parent) || ts.isForOfStatement(parent)) return parent.initializer === outer;
  if (ts.isPropertyAssignment(parent)) return parent.initializer === outer && isDestructuringPattern(parent.parent);
  if (ts.isShorthandPropertyAssignment(parent)) return isDestructuringPattern(parent.parent);
  if (ts.isSpreadElement(parent) || ts.isSpreadAssignment(parent)) return isDestructuringPattern(parent.parent);
  return ts.isArrayLiteralExpression(parent) && isDestructuringPattern(parent);
}

// An object or array literal is a pattern when it is itself written: `[a.b] = list`, `({ x: a.b } = obj)`.
function isDestructuringPattern(literal: ts.Node): boolean {
  if (!ts.isObjectLiteralExpression(literal) && !ts.isArrayLiteralExpression(literal)) return false;
  return isWriteTarget(outermost(literal));
}

/** True when the identifier is a value read or write, not a declared name, a property name or a label. */
export function isValueReference(id: ts.Identifier): boolean {
  const parent = id.parent as ts.Node & { name?: ts.Node; propertyName?: ts.Node; label?: ts.Node };
  if (ts.isShorthandPropertyAssignment(parent)) return parent.name === id;
  if (ts.isQualifiedName(parent) || ts.isMetaProperty(parent)) return false;
  return parent.name !== id && parent.propertyName !== id && parent.label !== id;
}

const COMPARISONS = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
  ts.SyntaxKind.InstanceOfKeyword,
  ts.SyntaxKind.InKeyword,
]);

/** True when the value is only inspected: `typeof x`, `x === y`, `x instanceof Y`, `'k' in x`, `void x`. */
export function isInspectedOnly(node: ts.Node): boolean {
  const outer = outermost(node);
  const parent = outer.parent;
  if (ts.isTypeOfExpression(parent) || ts.isVoidExpression(parent)) return true;
  if (!ts.isBinaryExpression(parent) || !COMPARISONS.has(parent.operatorToken.kind)) return false;
  // `x in obj` hands only the key to `in`; `obj` on the right is inspected.
  return parent.operatorToken.kind !== ts.SyntaxKind.InKeyword || parent.right === outer;
}

/** Stands for a rest element (`...rest`) among destructured keys. */
export const REST_KEY = Symbol('rest');
/** A destructured key: its name, undefined when computed, or REST_KEY. */
export type Key = string | undefined | typeof REST_KEY;

/** The keys a destructuring of `node` reads (`const { env, exit: e } = process`, `({ exit } = process)`), if any. */
export function destructuredKeys(node: ts.Node): Key[] | undefined {
  const value = outermost(node);
  const parent = value.parent;
  const isInitializer =
    (ts.isVariableDeclaration(parent) || ts.isParameter(parent) || ts.isBindingElement(parent)) && parent.initializer === value;
  if (isInitializer && ts.isObjectBindingPattern(parent.name)) {
    return parent.name.elements.map((e) =>
      e.dotDotDotToken ? REST_KEY : propertyKey(e.propertyName ?? (ts.isIdentifier(e.name) ? e.name : undefined)),
    );
  }
  const isAssigned = ts.isBinaryExpression(parent) && parent.right === value;
  if (!isAssigned || parent.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return undefined;
  const pattern = outermostLeft(parent.left);
  if (!ts.isObjectLiteralExpression(pattern)) return undefined;
  return pattern.properties.map((p) => (ts.isSpreadAssignment(p) ? REST_KEY : propertyKey(p.name)));
}

function outermostLeft(left: ts.Expression): ts.Expression {
  return ts.isParenthesizedExpression(left) ? outermostLeft(left.expression) : left;
}

/** The 1-based line where `node` starts. */
export function lineOf(node: ts.Node): number {
  const source = node.getSourceFile();
  return source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
}

/** Source text of a node, squeezed onto one short line for a message. */
export function shortText(node: ts.Node, max = 60): string {
  return squeeze(node.getText(), max);
}

/** `text` on one line, cut to `max` characters. */
export function squeeze(text: string, max = 60): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
