// TypeScript syntax through oxc, the parser that rolldown (and so vite, which transforms the tests vitest runs)
// ships as a native binding: it loads in ~30 ms where the TypeScript compiler takes ~800 ms, so checks made before
// any model call stay cheap, and "does not parse" means what it means to the test runner.
import { parseSync, type ESTree } from 'rolldown/utils';

/** A parse of one file: its statements, its static imports and re-exports, and its syntax errors. */
export interface ParsedSource {
  program: ESTree.Program;
  /** Static `import … from` and `export … from` of the file, with their spans. */
  imports: SourceImport[];
  errors: SyntaxProblem[];
}

/** One static import or re-export. */
export interface SourceImport {
  specifier: string;
  /** Only types are imported (`import type`, or every name marked `type`): the transform drops it. */
  typeOnly: boolean;
  /** Offset of the specifier in the text. */
  start: number;
}

/** A syntax error with its 1-based position. */
export interface SyntaxProblem {
  message: string;
  line: number;
  column: number;
}

/** Parses `text` in module mode as TypeScript, or as what its extension says (`.tsx`, `.js`, `.jsx`, …). */
export function parseTypeScript(file: string, text: string): ParsedSource {
  const result = parseSync(file, text, { lang: languageOf(file), sourceType: 'module' });
  const imports: SourceImport[] = result.module.staticImports.map((found) => ({
    specifier: found.moduleRequest.value,
    typeOnly: found.entries.length > 0 && found.entries.every((entry) => entry.isType),
    start: found.moduleRequest.start,
  }));
  for (const found of result.module.staticExports) {
    for (const entry of found.entries) {
      if (entry.moduleRequest)
        imports.push({ specifier: entry.moduleRequest.value, typeOnly: entry.isType, start: entry.moduleRequest.start });
    }
  }
  const errors = result.errors.map((error) => ({ message: error.message, ...positionOf(text, error.labels[0]?.start ?? 0) }));
  return { program: result.program, imports, errors };
}

function languageOf(file: string): 'ts' | 'tsx' | 'js' | 'jsx' {
  if (/\.[mc]?js$/.test(file)) return 'js';
  if (file.endsWith('.jsx')) return 'jsx';
  return file.endsWith('.tsx') ? 'tsx' : 'ts';
}

/** 1-based line and column of a UTF-16 offset. */
function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}
