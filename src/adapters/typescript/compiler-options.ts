import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ts, type ProjectOptions } from 'ts-morph';

// Declaration-only emit instead of noEmit: it equally satisfies allowImportingTsExtensions, and it lets extractApi
// run the declaration emitter on the same warm program (noEmit would make every emit a no-op). Nothing is written
// to disk: emit only ever goes to an in-memory callback.
const FORCED: ts.CompilerOptions = {
  noEmit: false,
  declaration: true,
  emitDeclarationOnly: true,
  declarationMap: false,
  sourceMap: false,
  inlineSourceMap: false,
  noEmitOnError: false,
  outFile: undefined,
  skipLibCheck: true,
};

/**
 * Options for the ts-morph Project of the repo at `root`: its tsconfig.json when present, else bare-repo defaults.
 * Without `ambientTypes`, no type package is loaded on its own (`types: []`): only what files import or reference.
 */
export function projectOptions(root: string, { ambientTypes = true } = {}): ProjectOptions {
  const forced = ambientTypes ? FORCED : { ...FORCED, types: [] };
  const tsConfigFilePath = path.join(root, 'tsconfig.json');
  if (existsSync(tsConfigFilePath)) {
    // Only the modules we check (and what they import) belong in the program, never the whole include set.
    return { tsConfigFilePath, skipAddingFilesFromTsConfig: true, compilerOptions: forced };
  }
  return { compilerOptions: { ...bareRepoOptions(), ...forced } };
}

/** Defaults for a repo that holds only intents/ and test/: no package.json, no node_modules. */
function bareRepoOptions(): ts.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    allowImportingTsExtensions: true,
    skipLibCheck: true,
    lib: ['lib.es2023.d.ts'],
    types: ['node'],
    // The repo has no node_modules, so Node's types come from ainative's own install.
    typeRoots: [ownTypeRoot()],
  };
}

function ownTypeRoot(): string {
  const nodeTypes = createRequire(import.meta.url).resolve('@types/node/package.json');
  return path.dirname(path.dirname(nodeTypes));
}
