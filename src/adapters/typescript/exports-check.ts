import path from 'node:path';
import { Node, ts, type Project, type SourceFile } from 'ts-morph';
import type { TypeProblem } from '../../core/ports.js';
import { CHECK_FILE_NAME, checkFileText } from './check-file.js';
import { parseRequiredExport, type RequiredExport } from './signature.js';

type Declarations = ReadonlyMap<string, Node[]>;
type TypedExport = RequiredExport & { kind: 'value'; type: string };

// Unused-import/local diagnostics: the check file is not real code, so a strict tsconfig must not fail it.
const UNUSED_CODES = new Set([6133, 6138, 6192, 6196, 6198, 6199, 6205]);

/** A pending check of required exports; its virtual file lives in the project until `dispose`. */
export interface ExportsCheck {
  /** Problems with the required exports; call after the module's own diagnostics, on the same program. */
  problems(): TypeProblem[];
  /** Removes the virtual check file from the project. */
  dispose(): void;
}

/**
 * Parses the signatures and adds the virtual check file beside `module` right away, so that one program (and one
 * type checker) serves both the module's diagnostics and the export checks.
 */
export function prepareExportsCheck(project: Project, module: SourceFile, signatures: string[]): ExportsCheck {
  const parsed = signatures.map((signature) => ({ signature, required: parseRequiredExport(signature) }));
  const typed = parsed.flatMap(({ required: r }) => (r?.kind === 'value' && r.type !== undefined ? [{ ...r, type: r.type }] : []));
  const checkFile = typed.length > 0 ? addCheckFile(project, module, typed) : undefined;
  return {
    problems() {
      const exported = module.getExportedDeclarations();
      const problems: TypeProblem[] = [];
      for (const { signature, required } of parsed) {
        const problem = required ? presenceProblem(required, exported) : parseProblem(signature);
        if (problem) problems.push(problem);
      }
      const present = typed.filter((t) => presenceProblem(t, exported) === undefined);
      // With none of them present the check file can only repeat the missing-export problems.
      if (checkFile && present.length > 0) {
        problems.push(...typeProblems(project, { ...checkFile, module, typed, present, exported }));
      }
      return problems;
    },
    dispose() {
      if (checkFile) project.removeSourceFile(checkFile.file);
    },
  };
}

function addCheckFile(project: Project, module: SourceFile, typed: TypedExport[]) {
  // One per module: checks of several modules in one folder can share a program.
  const checkPath = path.posix.join(
    module.getDirectoryPath(),
    `${CHECK_FILE_NAME}${module.getBaseNameWithoutExtension()}${module.getExtension()}`,
  );
  const { text, firstAssertionLine } = checkFileText(module.compilerNode, module.getBaseNameWithoutExtension(), typed);
  return { file: project.createSourceFile(checkPath, text, { overwrite: true }), firstAssertionLine };
}

function parseProblem(signature: string): TypeProblem {
  return { message: `required export signature could not be parsed: ${signature}` };
}

function presenceProblem(required: RequiredExport, exported: Declarations): TypeProblem | undefined {
  const declarations = exported.get(required.name);
  if (!declarations || declarations.length === 0) {
    return { message: `missing required export '${required.name}' (expected: ${required.signature})` };
  }
  if (declarations.some((d) => hasKind(d, required.kind))) return undefined;
  const actual = describe(declarations[0]);
  return {
    message: `export '${required.name}' is ${actual} but the required signature is ${required.signature}`,
    line: declarations[0].getStartLineNumber(),
  };
}

function hasKind(node: Node, kind: RequiredExport['kind']): boolean {
  switch (kind) {
    case 'class':
      return Node.isClassDeclaration(node);
    case 'enum':
      return Node.isEnumDeclaration(node);
    case 'interface':
      return Node.isInterfaceDeclaration(node) || Node.isTypeAliasDeclaration(node);
    case 'type':
      return !Node.isVariableDeclaration(node) && !Node.isFunctionDeclaration(node) && !Node.isSourceFile(node);
    case 'value':
      return !Node.isInterfaceDeclaration(node) && !Node.isTypeAliasDeclaration(node);
  }
}

function describe(node: Node): string {
  if (Node.isVariableDeclaration(node)) return `a ${node.getVariableStatement()?.getDeclarationKind() ?? 'variable'}`;
  if (Node.isFunctionDeclaration(node)) return 'a function';
  if (Node.isClassDeclaration(node)) return 'a class';
  if (Node.isInterfaceDeclaration(node)) return 'an interface';
  if (Node.isTypeAliasDeclaration(node)) return 'a type alias';
  if (Node.isEnumDeclaration(node)) return 'an enum';
  return `a ${node.getKindName()}`;
}

interface TypeCheck {
  file: SourceFile;
  firstAssertionLine: number;
  module: SourceFile;
  /** All typed exports, in check-file line order. */
  typed: TypedExport[];
  /** Those that exist; a missing one was already reported and its check line only repeats that. */
  present: TypedExport[];
  exported: Declarations;
}

function typeProblems(project: Project, check: TypeCheck): TypeProblem[] {
  const program = project.getProgram().compilerObject;
  const diagnostics = [
    ...program.getSyntacticDiagnostics(check.file.compilerNode),
    ...program.getSemanticDiagnostics(check.file.compilerNode),
  ];
  return diagnostics.filter((d) => !UNUSED_CODES.has(d.code)).flatMap((d) => toProblem(d, check));
}

function toProblem(diagnostic: ts.Diagnostic, check: TypeCheck): TypeProblem[] {
  const text = `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
  const line = check.file.compilerNode.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line;
  // Copied imports fail only where the module's own imports fail, and the module's diagnostics already say so.
  if (line > 0 && line < check.firstAssertionLine) return [];
  const required = check.typed[line - check.firstAssertionLine];
  if (!required) return [{ message: `required exports could not be checked: ${text}` }];
  if (!check.present.includes(required)) return [];
  const message = `export '${required.name}' does not match the required signature ${required.signature}: ${text}`;
  const declaration = check.exported.get(required.name)?.[0];
  // Point at the export only when it is declared in the module itself, not re-exported from elsewhere.
  if (declaration?.getSourceFile() !== check.module) return [{ message }];
  return [{ message, line: declaration.getStartLineNumber() }];
}
