import { ts } from 'ts-morph';

/** Base name of the virtual file that checks required export types; the module's extension is appended. */
export const CHECK_FILE_NAME = '__ainative_exports_check__';

/** One assignability check: the module's export `name` must be assignable to `type`. */
export interface TypeAssertion {
  name: string;
  type: string;
}

/** Text of the check file (beside the module) and the line index of its first assertion. */
export interface CheckFileText {
  text: string;
  firstAssertionLine: number;
}

/**
 * Builds the check file for `module` from its syntax alone, so it can join the program together with the module
 * and both are checked by one type checker. Signatures can name the module's exports and whatever it imports.
 */
export function checkFileText(module: ts.SourceFile, baseName: string, assertions: TypeAssertion[]): CheckFileText {
  const specifier = `'./${baseName}${runtimeExtension(module.fileName)}'`;
  const exported = exportedNames(module);
  const lines = [`import * as __m from ${specifier};`];
  if (exported.length > 0) lines.push(`import type { ${exported.join(', ')} } from ${specifier};`);
  lines.push(...importedTypeLines(module, new Set(exported)));
  const firstAssertionLine = lines.length;
  assertions.forEach(({ name, type }, i) => lines.push(`export const __actual_${i}_${name}: ${type} = __m.${name};`));
  return { text: `${lines.join('\n')}\n`, firstAssertionLine };
}

// The .js-style specifier resolves to the .ts file under every moduleResolution, with or without
// allowImportingTsExtensions.
function runtimeExtension(fileName: string): string {
  if (fileName.endsWith('.mts')) return '.mjs';
  if (fileName.endsWith('.cts')) return '.cjs';
  return '.js';
}

// `export * from` names cannot be listed without the checker; such names are still reachable as `__m.name`.
function exportedNames(module: ts.SourceFile): string[] {
  const names = new Set<string>();
  for (const statement of module.statements) {
    if (ts.isExportDeclaration(statement) && statement.exportClause) {
      if (ts.isNamedExports(statement.exportClause)) {
        for (const element of statement.exportClause.elements) names.add(element.name.text);
      } else {
        names.add(statement.exportClause.name.text);
      }
    } else if (hasExportModifier(statement)) {
      for (const name of declaredNames(statement)) names.add(name);
    }
  }
  names.delete('default');
  return [...names].filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
}

function hasExportModifier(statement: ts.Statement): boolean {
  const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined;
  return modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false;
}

function declaredNames(statement: ts.Statement): string[] {
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [d.name.text] : []));
  }
  const named =
    ts.isFunctionDeclaration(statement) ||
    ts.isClassDeclaration(statement) ||
    ts.isInterfaceDeclaration(statement) ||
    ts.isTypeAliasDeclaration(statement) ||
    ts.isEnumDeclaration(statement) ||
    ts.isModuleDeclaration(statement);
  return named && statement.name && ts.isIdentifier(statement.name) ? [statement.name.text] : [];
}

// The module's imports again, type-only, so a signature may use e.g. `User` that the module imports from a sibling.
function importedTypeLines(module: ts.SourceFile, taken: Set<string>): string[] {
  const lines: string[] = [];
  const fresh = (name: ts.Identifier): boolean => {
    if (taken.has(name.text)) return false;
    taken.add(name.text);
    return true;
  };
  for (const statement of module.statements) {
    if (!ts.isImportDeclaration(statement) || !statement.importClause) continue;
    const clause = statement.importClause;
    const from = statement.moduleSpecifier.getText(module);
    if (clause.name && fresh(clause.name)) lines.push(`import type ${clause.name.text} from ${from};`);
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings) && fresh(bindings.name)) {
      lines.push(`import type * as ${bindings.name.text} from ${from};`);
    } else if (bindings && ts.isNamedImports(bindings)) {
      const elements = bindings.elements.filter((e) => fresh(e.name));
      const names = elements.map((e) => (e.propertyName ? `${e.propertyName.getText(module)} as ` : '') + e.name.text);
      if (names.length > 0) lines.push(`import type { ${names.join(', ')} } from ${from};`);
    }
  }
  return lines;
}
