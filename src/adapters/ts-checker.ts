import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FileSystemRefreshResult, Project, ts, type SourceFile } from 'ts-morph';
import type { TypeChecker, TypeProblem } from '../core/ports.js';
import { CHECK_FILE_NAME } from './ts-check-file.js';
import { projectOptions } from './ts-compiler-options.js';
import { prepareExportsCheck } from './ts-exports-check.js';

/** A TypeChecker backed by one warm ts-morph Project for the repo at `root` (absolute). */
export function createTsChecker(options: { root: string }): TypeChecker {
  const repo = new RepoProject(options.root);
  return {
    async check(modulePath, code, requiredExports) {
      return repo.check(modulePath, code, requiredExports);
    },
    async extractApi(modulePath) {
      return repo.extractApi(modulePath);
    },
  };
}

// Every public method runs synchronously once the Project exists, so concurrent calls cannot interleave edits.
class RepoProject {
  private project: Project | undefined;
  /** Repo files the program has loaded (modules and what they import), refreshed from disk before each call. */
  private readonly loaded = new Set<string>();

  constructor(private readonly root: string) {}

  check(modulePath: string, code: string, requiredExports: string[]): TypeProblem[] {
    const project = this.getProject();
    const filePath = this.absolute(modulePath);
    this.refreshLoaded(filePath);
    const module = project.createSourceFile(filePath, code, { overwrite: true });
    const exportsCheck = prepareExportsCheck(project, module, requiredExports);
    try {
      const program = project.getProgram().compilerObject;
      const syntax = program.getSyntacticDiagnostics(module.compilerNode);
      // Like tsc: semantic errors after a syntax error are mostly noise, and exports cannot be trusted either.
      const diagnostics = syntax.length > 0 ? syntax : program.getSemanticDiagnostics(module.compilerNode);
      const problems = diagnostics.map((d) => toProblem(d, module));
      this.rememberLoaded(program);
      return syntax.length > 0 ? problems : [...problems, ...exportsCheck.problems()];
    } finally {
      exportsCheck.dispose();
    }
  }

  extractApi(modulePath: string): string {
    const project = this.getProject();
    const filePath = this.absolute(modulePath);
    const fast = isolatedDeclarations(filePath, project.getCompilerOptions());
    if (fast !== undefined) return fast;
    this.refreshLoaded();
    const module = project.getSourceFile(filePath) ?? project.addSourceFileAtPathIfExists(filePath);
    if (!module) return '';
    if (module.isDeclarationFile()) return module.getFullText();
    let declarations = '';
    const program = project.getProgram().compilerObject;
    program.emit(module.compilerNode, (fileName, text) => {
      if (/\.d\.[cm]?ts$/.test(fileName)) declarations = text;
    }, undefined, true);
    this.rememberLoaded(program);
    return declarations;
  }

  private getProject(): Project {
    this.project ??= new Project(projectOptions(this.root));
    return this.project;
  }

  private absolute(modulePath: string): string {
    return path.resolve(this.root, modulePath).split(path.sep).join('/');
  }

  // Other modules may have been rewritten on disk since the last call; unchanged files cost one read and compare.
  private refreshLoaded(except?: string): void {
    const project = this.getProject();
    for (const filePath of this.loaded) {
      if (filePath === except) continue;
      const file = project.getSourceFile(filePath);
      if (!file || file.refreshFromFileSystemSync() === FileSystemRefreshResult.Deleted) this.loaded.delete(filePath);
    }
  }

  private rememberLoaded(program: ts.Program): void {
    for (const file of program.getSourceFiles()) {
      if (program.isSourceFileDefaultLibrary(file) || program.isSourceFileFromExternalLibrary(file)) continue;
      if (file.fileName.includes('/node_modules/') || file.fileName.includes(CHECK_FILE_NAME)) continue;
      this.loaded.add(file.fileName);
    }
  }
}

/**
 * The module's declarations without a program, when the file alone determines them: every export annotated, as
 * TypeScript's isolatedDeclarations rules require (then the emit is the same as the program's, by design). A
 * program rebuild costs 10-40 ms whenever another module changed since the last one, which in a parallel build is
 * every time; this costs about 1 ms. Undefined when the file is missing or needs the checker (inferred types).
 */
function isolatedDeclarations(filePath: string, options: ts.CompilerOptions): string | undefined {
  if (/\.d\.[cm]?ts$/.test(filePath)) return undefined;
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch {
    return undefined;
  }
  const out = ts.transpileDeclaration(text, { fileName: filePath, compilerOptions: options, reportDiagnostics: true });
  return out.diagnostics === undefined || out.diagnostics.length > 0 ? undefined : out.outputText;
}

function toProblem(diagnostic: ts.Diagnostic, module: SourceFile): TypeProblem {
  const message = `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
  if (diagnostic.start === undefined) return { message };
  return { message, line: module.compilerNode.getLineAndCharacterOfPosition(diagnostic.start).line + 1 };
}
