import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FileSystemRefreshResult, Project, ts, type SourceFile } from 'ts-morph';
import type { TypeChecker, TypeProblem } from '../core/ports.js';
import { CHECK_FILE_NAME } from './ts-check-file.js';
import { projectOptions } from './ts-compiler-options.js';
import { prepareExportsCheck } from './ts-exports-check.js';

/** One check asked for and not yet run. */
interface PendingCheck {
  modulePath: string;
  code: string;
  requiredExports: string[];
  resolve: (problems: TypeProblem[]) => void;
  reject: (error: unknown) => void;
}

/**
 * A TypeChecker backed by one warm ts-morph Project for the repo at `root` (absolute). Checks asked for in the same
 * turn of the event loop (intents built in parallel whose replies arrived together) share one program: creating a
 * program is most of a check's cost (~20-35 ms with @types/node), its diagnostics for one more module a few ms.
 */
export function createTsChecker(options: { root: string }): TypeChecker {
  const repo = new RepoProject(options.root);
  let pending: PendingCheck[] = [];
  const runPending = () => {
    const batch = pending;
    pending = [];
    for (const group of distinctModules(batch)) {
      let results: Array<TypeProblem[] | { error: unknown }>;
      try {
        results = repo.checkAll(group);
      } catch (error) {
        results = group.map(() => ({ error }));
      }
      group.forEach((call, i) => {
        const result = results[i]!;
        if ('error' in result) call.reject(result.error);
        else call.resolve(result);
      });
    }
  };
  return {
    check(modulePath, code, requiredExports) {
      return new Promise((resolve, reject) => {
        if (pending.length === 0) setImmediate(runPending);
        pending.push({ modulePath, code, requiredExports, resolve, reject });
      });
    },
    async extractApi(modulePath) {
      return repo.extractApi(modulePath);
    },
  };
}

/** Splits checks so no module is in a group twice (two candidates of one module cannot share a program). */
function distinctModules(checks: PendingCheck[]): PendingCheck[][] {
  const groups: PendingCheck[][] = [];
  for (const check of checks) {
    const group = groups.find((candidate) => !candidate.some((other) => other.modulePath === check.modulePath));
    if (group) group.push(check);
    else groups.push([check]);
  }
  return groups;
}

// Every public method runs synchronously once the Project exists, so concurrent calls cannot interleave edits.
class RepoProject {
  private project: Project | undefined;
  /** Repo files the program has loaded (modules and what they import), refreshed from disk before each call. */
  private readonly loaded = new Set<string>();

  constructor(private readonly root: string) {}

  /** Checks several candidates (of different modules) in one program; a check that throws gives its error alone. */
  checkAll(checks: Array<{ modulePath: string; code: string; requiredExports: string[] }>): Array<TypeProblem[] | { error: unknown }> {
    const project = this.getProject();
    const filePaths = checks.map((check) => this.absolute(check.modulePath));
    this.refreshLoaded(new Set(filePaths));
    const modules = checks.map((check, i) => project.createSourceFile(filePaths[i]!, check.code, { overwrite: true }));
    const exportsChecks = modules.map((module, i) => prepareExportsCheck(project, module, checks[i]!.requiredExports));
    try {
      const program = project.getProgram().compilerObject;
      const results = modules.map((module, i) => {
        try {
          const syntax = program.getSyntacticDiagnostics(module.compilerNode);
          // Like tsc: semantic errors after a syntax error are mostly noise, and exports cannot be trusted either.
          const diagnostics = syntax.length > 0 ? syntax : program.getSemanticDiagnostics(module.compilerNode);
          const problems = diagnostics.map((d) => toProblem(d, module));
          return syntax.length > 0 ? problems : [...problems, ...exportsChecks[i]!.problems()];
        } catch (error) {
          return { error };
        }
      });
      this.rememberLoaded(program);
      return results;
    } finally {
      for (const exportsCheck of exportsChecks) exportsCheck.dispose();
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
  private refreshLoaded(except: ReadonlySet<string> = new Set()): void {
    const project = this.getProject();
    for (const filePath of this.loaded) {
      if (except.has(filePath)) continue;
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
