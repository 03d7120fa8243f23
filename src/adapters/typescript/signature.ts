import type { ESTree } from 'rolldown/utils';
import { parseTypeScript } from './syntax.js';

/** What a required export must be: a function or value with an optional expected type, or a named type-level thing. */
export type RequiredExport =
  | { kind: 'value'; name: string; signature: string; type?: string }
  | { kind: 'class' | 'interface' | 'type' | 'enum'; name: string; signature: string };

const TYPE_LEVEL = /^(?:declare\s+)?(?:abstract\s+)?(?:const\s+)?(class|interface|type|enum)\s+([A-Za-z_$][\w$]*)/;
const SUPPORTED_FORMS = 'name(a: T): R, function name(a: T): R, const name: T, class X, interface X, type X or enum X';

type Reading = { ok: true; required: RequiredExport } | { ok: false; problem: string };

/** Parses one required-export signature; undefined when it is not one of the supported forms. */
export function parseRequiredExport(signature: string): RequiredExport | undefined {
  const reading = readSignature(signature);
  return reading.ok ? reading.required : undefined;
}

/** Why a signature cannot be checked (it does not parse, or is not a supported form); undefined when it can. */
export function signatureProblem(signature: string): string | undefined {
  const reading = readSignature(signature);
  return reading.ok ? undefined : reading.problem;
}

function readSignature(signature: string): Reading {
  const text = signature
    .trim()
    .replace(/;+$/, '')
    .replace(/^export\s+/, '');
  const typeLevel = TYPE_LEVEL.exec(text);
  if (typeLevel)
    return { ok: true, required: { kind: typeLevel[1] as 'class' | 'interface' | 'type' | 'enum', name: typeLevel[2]!, signature } };
  const statement = asStatement(text);
  const parsed = parseTypeScript('__signature__.ts', statement);
  if (parsed.errors.length > 0) return { ok: false, problem: `it does not parse (${parsed.errors[0]!.message})` };
  const [node, ...more] = parsed.program.body;
  const required = node && more.length === 0 ? fromStatement(node, statement, signature) : undefined;
  return required ? { ok: true, required } : { ok: false, problem: `it is not one of the supported forms (${SUPPORTED_FORMS})` };
}

// Bare forms (`name(x): T`, `name: T`) are completed into declarations so the parser can read them; variables are
// declared ambiently, because a `const` without a value is an error the parser reports.
function asStatement(text: string): string {
  const body = text.replace(/^declare\s+/, '');
  if (/^[A-Za-z_$][\w$]*\s*[<(]/.test(body)) return `function ${body};`;
  if (/^async\s+[A-Za-z_$][\w$]*\s*[<(]/.test(body)) return `async function ${body.slice(5).trimStart()};`;
  if (/^[A-Za-z_$][\w$]*\s*:/.test(body)) return `declare const ${body};`;
  if (/^(const|let|var)\s/.test(body)) return `declare ${body};`;
  return `${body};`;
}

function fromStatement(
  node: ESTree.Statement | ESTree.Directive | ESTree.ModuleDeclaration,
  source: string,
  signature: string,
): RequiredExport | undefined {
  if (node.type === 'TSDeclareFunction' || node.type === 'FunctionDeclaration') return fromFunction(node, source, signature);
  if (node.type === 'VariableDeclaration') return fromVariable(node, source, signature);
  return undefined;
}

function fromFunction(node: ESTree.Function, source: string, signature: string): RequiredExport | undefined {
  if (!node.id) return undefined;
  const text = (span: { start: number; end: number }) => source.slice(span.start, span.end);
  const typeParameters = node.typeParameters ? `<${node.typeParameters.params.map(text).join(', ')}>` : '';
  const parameters = node.params.map((parameter) => parameterType(parameter, source)).join(', ');
  return { kind: 'value', name: node.id.name, signature, type: `${typeParameters}(${parameters}) => ${returnType(node, source)}` };
}

/** `name?: T`, `...rest: T` or a destructuring pattern with its type, as it reads in a function type. */
function parameterType(parameter: ESTree.ParamPattern, source: string): string {
  let binding: ESTree.ParamPattern | ESTree.BindingPattern = parameter;
  let rest = '';
  let optional = false;
  if (binding.type === 'TSParameterProperty') binding = binding.parameter;
  if (binding.type === 'RestElement') {
    rest = '...';
    const annotation = binding.typeAnnotation;
    binding = binding.argument;
    if (annotation)
      return `${rest}${bindingName(binding, source)}: ${source.slice(annotation.typeAnnotation.start, annotation.typeAnnotation.end)}`;
  }
  if (binding.type === 'AssignmentPattern') {
    optional = true;
    binding = binding.left;
  }
  const annotation = 'typeAnnotation' in binding ? binding.typeAnnotation : undefined;
  optional ||= (binding as { optional?: boolean }).optional === true;
  const type = annotation ? source.slice(annotation.typeAnnotation.start, annotation.typeAnnotation.end) : 'any';
  return `${rest}${bindingName(binding, source)}${optional ? '?' : ''}: ${type}`;
}

/** The bound name, or the pattern's text without its annotation. */
function bindingName(binding: ESTree.ParamPattern | ESTree.BindingPattern, source: string): string {
  if (binding.type === 'Identifier') return binding.name;
  const annotation = 'typeAnnotation' in binding ? binding.typeAnnotation : undefined;
  return source
    .slice(binding.start, annotation ? annotation.start : binding.end)
    .trim()
    .replace(/\?$/, '');
}

function returnType(node: ESTree.Function, source: string): string {
  if (!node.returnType) return 'unknown';
  const text = source.slice(node.returnType.typeAnnotation.start, node.returnType.typeAnnotation.end);
  // `async function f(): User` means what the runtime gives: a Promise<User>.
  if (node.async && !/^Promise\s*</.test(text)) return `Promise<${text}>`;
  return text;
}

function fromVariable(node: ESTree.VariableDeclaration, source: string, signature: string): RequiredExport | undefined {
  if (node.declarations.length !== 1) return undefined;
  const { id } = node.declarations[0]!;
  if (id.type !== 'Identifier') return undefined;
  const annotation = id.typeAnnotation?.typeAnnotation;
  return { kind: 'value', name: id.name, signature, type: annotation ? source.slice(annotation.start, annotation.end) : undefined };
}
