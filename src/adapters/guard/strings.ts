// Rules about string literals: a module that names the test folder or a protected file is about to read it, and one
// that names the test framework's internal keys is about to tamper with them. Constant concatenations
// (`'../te' + 'st/'`, `` `${'test'}/` ``) are folded first, so splitting a path does not hide it.
import { ts } from 'ts-morph';
import { constantString, outermost, squeeze } from './ast.js';
import type { GuardContext } from './context.js';
import { isTestFolderName, protectedInText } from './paths.js';

const INTERNALS = /__vite|__vi_|\$\$jest|jest-matchers|asymmetricMatch|@@__IMMUTABLE/i;
// Calls whose string arguments are path segments: `path.join(__dirname, '..', 'test')`, `readdirSync('test')`.
const PATH_CALLS = new Set([
  'join',
  'resolve',
  'normalize',
  'readdir',
  'readdirSync',
  'readFile',
  'readFileSync',
  'opendir',
  'opendirSync',
  'glob',
  'globSync',
  'stat',
  'statSync',
  'lstat',
  'lstatSync',
  'existsSync',
  'access',
  'accessSync',
  'createReadStream',
  'watch',
  'URL',
  'pathToFileURL',
]);

/** Judges string literals, constant concatenations and the literal parts of templates. */
export function checkString(node: ts.Node, ctx: GuardContext): void {
  const text = stringAt(node);
  if (text === undefined || ctx.judged.has(node) || isInsideConstant(node)) return;
  const shown = squeeze(text);
  const hit = protectedInText(text, ctx.settings);
  if (INTERNALS.test(text)) {
    ctx.report(node, `the string '${shown}' names the test framework's internals; the module must not touch them`);
  } else if (hit !== undefined) {
    ctx.report(node, `the string '${shown}' names ${hit}; the module must not read the project's tests or protected files`);
  } else if (isTestFolderName(text, ctx.settings) && isPathArgument(node)) {
    ctx.report(node, `the string '${shown}' builds a path to the test folder; the module must not read the project's tests`);
  }
}

// The text a node contributes on its own: a whole constant, or a literal piece of a template that is not constant.
function stringAt(node: ts.Node): string | undefined {
  if (ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
    const template = ts.isTemplateHead(node) ? node.parent : node.parent.parent;
    return constantString(template as ts.Expression) === undefined ? node.text : undefined;
  }
  if (!ts.isStringLiteral(node) && !ts.isNoSubstitutionTemplateLiteral(node) && !ts.isTemplateExpression(node)) {
    return ts.isBinaryExpression(node) ? constantString(node) : undefined;
  }
  return constantString(node);
}

// A piece of a bigger constant is judged as part of the whole, once.
function isInsideConstant(node: ts.Node): boolean {
  const outer = outermost(node);
  const parent = outer.parent;
  if (ts.isBinaryExpression(parent) || ts.isTemplateSpan(parent)) {
    const whole = ts.isTemplateSpan(parent) ? parent.parent : parent;
    return constantString(whole) !== undefined;
  }
  return false;
}

function isPathArgument(node: ts.Node): boolean {
  const outer = outermost(node);
  const call = outer.parent;
  if (!ts.isCallExpression(call) && !ts.isNewExpression(call)) return false;
  if (!call.arguments?.some((a) => a === outer)) return false;
  const callee = call.expression;
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
  return PATH_CALLS.has(name);
}
