import { ts } from 'ts-morph';

/** What a required export must be: a function or value with an optional expected type, or a named type-level thing. */
export type RequiredExport =
  | { kind: 'value'; name: string; signature: string; type?: string }
  | { kind: 'class' | 'interface' | 'type' | 'enum'; name: string; signature: string };

const TYPE_LEVEL = /^(?:declare\s+)?(?:abstract\s+)?(?:const\s+)?(class|interface|type|enum)\s+([A-Za-z_$][\w$]*)/;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Parses one required-export signature; undefined when it is not one of the supported forms. */
export function parseRequiredExport(signature: string): RequiredExport | undefined {
  const text = signature.trim().replace(/;+$/, '').replace(/^export\s+/, '');
  const typeLevel = TYPE_LEVEL.exec(text);
  if (typeLevel) {
    return { kind: typeLevel[1] as 'class' | 'interface' | 'type' | 'enum', name: typeLevel[2], signature };
  }
  const source = ts.createSourceFile('__signature__.ts', asStatement(text), ts.ScriptTarget.Latest, true);
  if (parseErrorCount(source) > 0 || source.statements.length !== 1) return undefined;
  const statement = source.statements[0];
  if (ts.isFunctionDeclaration(statement)) return fromFunction(statement, signature);
  if (ts.isVariableStatement(statement)) return fromVariable(statement, signature);
  return undefined;
}

// Bare forms (`name(x): T`, `name: T`) are completed into declarations so the TypeScript parser can read them.
function asStatement(text: string): string {
  const body = text.replace(/^declare\s+/, '');
  if (/^[A-Za-z_$][\w$]*\s*[<(]/.test(body)) return `function ${body};`;
  if (/^async\s+[A-Za-z_$][\w$]*\s*[<(]/.test(body)) return `async function ${body.slice(5).trimStart()};`;
  if (/^[A-Za-z_$][\w$]*\s*:/.test(body)) return `const ${body};`;
  return `${body};`;
}

function parseErrorCount(source: ts.SourceFile): number {
  // Not in the public typings, but it is where the parser has always put its diagnostics.
  return (source as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics?.length ?? 0;
}

function fromFunction(node: ts.FunctionDeclaration, signature: string): RequiredExport | undefined {
  if (!node.name) return undefined;
  const source = node.getSourceFile();
  const typeParameters = node.typeParameters ? `<${node.typeParameters.map((p) => p.getText(source)).join(', ')}>` : '';
  const parameters = node.parameters.map((p) => parameterType(p, source)).join(', ');
  const type = `${typeParameters}(${parameters}) => ${returnType(node, source)}`;
  return { kind: 'value', name: node.name.text, signature, type };
}

function parameterType(node: ts.ParameterDeclaration, source: ts.SourceFile): string {
  const rest = node.dotDotDotToken ? '...' : '';
  const optional = node.questionToken || node.initializer ? '?' : '';
  const type = node.type ? node.type.getText(source) : 'any';
  return `${rest}${node.name.getText(source)}${optional}: ${type}`;
}

function returnType(node: ts.FunctionDeclaration, source: ts.SourceFile): string {
  if (!node.type) return 'unknown';
  const text = node.type.getText(source);
  const isAsync = node.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword) ?? false;
  // `async function f(): User` means what the runtime gives: a Promise<User>.
  if (isAsync && !/^Promise\s*</.test(text)) return `Promise<${text}>`;
  return text;
}

function fromVariable(node: ts.VariableStatement, signature: string): RequiredExport | undefined {
  const declarations = node.declarationList.declarations;
  if (declarations.length !== 1) return undefined;
  const [declaration] = declarations;
  const name = declaration.name.getText(node.getSourceFile());
  if (!IDENTIFIER.test(name)) return undefined;
  return { kind: 'value', name, signature, type: declaration.type?.getText(node.getSourceFile()) };
}
