import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FileSystemRefreshResult, Project, ts, type SourceFile } from 'ts-morph';
import type { TypeProblem } from '../../core/ports.js';
import { CHECK_FILE_NAME } from './check-file.js';
import { projectOptions } from './compiler-options.js';
import { prepareExportsCheck } from './exports-check.js';

/** A candidate module to check, with the exports its intent requires. */
export interface CheckRequest {
  modulePath: string;
  code: string;
  requiredExports: string[];
}

/**
 * A check's outcome. `conclusive` is false when a check without ambient types cannot stand for the full one (see
 * RepoProject's `lean`): then only the full check may be reported.
 */
export type CheckOutcome = { problems: TypeProblem[]; conclusive: boolean } | { error: unknown };

/**
 * One warm ts-morph Project for the repo at `root` (absolute). Every public method runs synchronously once the
 * Project exists, so concurrent calls cannot interleave edits.
 *
 * A `lean` project leaves out the ambient types (@types/node and whatever else `types` would load): its first program
 * parses ~60 lib files instead of ~160 (~0.2 s instead of ~0.7 s here) and each later check costs a third. Its
 * verdict is conclusive only when nothing the module reaches could have needed those types: none of its problems is
 * of the kind a missing declaration causes (a name, module, namespace or member not found), every repo file in its
 * import closure is clean on its own (an unresolved name in an imported file would silently become `any`), and the
 * program holds no package (a package's declarations may lean on Node's types without saying so). Then every name
 * resolved as it would with the ambient types, and the full check would find the same problems, short of a global
 * declaration in the repo that clashes with Node's. None of this holds when the libraries are more than ECMAScript's:
 * the DOM's globals (setTimeout, fetch, URL...) resolve without @types/node, which overloads them with other types
 * (setTimeout returns a Timeout, not a number), so a lean project with such a lib is never conclusive (`unsound`).
 */
export class RepoProject {
  private project: Project | undefined;
  /** Repo files the program has loaded (modules and what they import), refreshed from disk before each call. */
  private readonly loaded = new Set<string>();
  /** Lean only: repo files found clean without the ambient types, with the text they had then. */
  private readonly cleanFiles = new Map<string, string>();
  /** Lean only, known after the first program: its libraries declare globals that the ambient types overload. */
  unsound: boolean | undefined;

  constructor(
    private readonly root: string,
    private readonly lean = false,
  ) {}

  /** Checks several candidates (of different modules) in one program; a check that throws gives its error alone. */
  checkAll(checks: CheckRequest[]): CheckOutcome[] {
    const project = this.getProject();
    const filePaths = checks.map((check) => this.absolute(check.modulePath));
    this.refreshLoaded(new Set(filePaths));
    const modules = checks.map((check, i) => project.createSourceFile(filePaths[i]!, check.code, { overwrite: true }));
    const exportsChecks = modules.map((module, i) => prepareExportsCheck(project, module, checks[i]!.requiredExports));
    try {
      const program = project.getProgram().compilerObject;
      if (this.lean)
        this.unsound ??= program
          .getSourceFiles()
          .some((file) => program.isSourceFileDefaultLibrary(file) && !ECMASCRIPT_LIB.test(file.fileName));
      const results = modules.map((module, i) => {
        try {
          const syntax = program.getSyntacticDiagnostics(module.compilerNode);
          // Like tsc: semantic errors after a syntax error are mostly noise, and exports cannot be trusted either.
          const diagnostics = syntax.length > 0 ? syntax : program.getSemanticDiagnostics(module.compilerNode);
          const problems = diagnostics.map((d) => toProblem(d, module));
          const all = syntax.length > 0 ? problems : [...problems, ...exportsChecks[i]!.problems()];
          return {
            problems: all,
            conclusive: !this.lean || (!this.unsound && !all.some(mayBeMissingTypes) && this.closureClean(program, module)),
          };
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
    program.emit(
      module.compilerNode,
      (fileName, text) => {
        if (/\.d\.[cm]?ts$/.test(fileName)) declarations = text;
      },
      undefined,
      true,
    );
    this.rememberLoaded(program);
    return declarations;
  }

  private getProject(): Project {
    this.project ??= new Project(projectOptions(this.root, { ambientTypes: !this.lean }));
    return this.project;
  }

  /** Lean only: no package in the program, and every repo file the module imports (transitively) clean on its own. */
  private closureClean(program: ts.Program, module: SourceFile): boolean {
    const packaged = (file: ts.SourceFile) => program.isSourceFileFromExternalLibrary(file) || file.fileName.includes('/node_modules/');
    if (program.getSourceFiles().some((file) => !program.isSourceFileDefaultLibrary(file) && packaged(file))) return false;
    const seen = new Set<SourceFile>([module]);
    const queue = [...module.getReferencedSourceFiles()];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const node = file.compilerNode;
      if (program.isSourceFileDefaultLibrary(node)) continue;
      if (this.cleanFiles.get(node.fileName) !== node.text) {
        if (program.getSyntacticDiagnostics(node).length > 0 || program.getSemanticDiagnostics(node).length > 0) return false;
        this.cleanFiles.set(node.fileName, node.text);
      }
      queue.push(...file.getReferencedSourceFiles());
    }
    return true;
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

/**
 * Diagnostics a missing declaration causes: a name, module, namespace, type package or member not found (members:
 * @types/node adds some to the standard library's types, e.g. Error.captureStackTrace, import.meta.dirname). Export
 * problems carry their diagnostic's code inside the message, so the code is looked for anywhere in it.
 */
const MISSING_DECLARATION = /\bTS(2304|2305|2307|2339|2503|2551|2552|2580|2581|2582|2583|2584|2591|2592|2593|2688|2694|2724|2792|7016):/;

/** The standard library's ECMAScript files (lib.es5.d.ts, lib.es2023.array.d.ts, lib.esnext.disposable.d.ts, lib.decorators.d.ts...). */
const ECMASCRIPT_LIB = /[\\/]lib\.(es\d+|esnext|decorators)(\.[\w-]+)*\.d\.ts$/i;

function mayBeMissingTypes(problem: TypeProblem): boolean {
  return MISSING_DECLARATION.test(problem.message);
}

function toProblem(diagnostic: ts.Diagnostic, module: SourceFile): TypeProblem {
  const message = `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
  if (diagnostic.start === undefined) return { message };
  return { message, line: module.compilerNode.getLineAndCharacterOfPosition(diagnostic.start).line + 1 };
}
