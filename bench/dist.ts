// The benchmark measures the shipped code: everything it calls comes from dist/ (`npm run build`), typed by the
// sources it was compiled from, so `npm run typecheck` still checks how the bench uses it.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The ainative checkout this bench belongs to. */
export const PACKAGE_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

const require = createRequire(import.meta.url);
/** vitest's own CLI entry, as a `--test-cmd` would start it. */
export const VITEST_CLI = path.join(path.dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
/** tsc from the project's TypeScript. */
export const TSC_CLI = require.resolve('typescript/bin/tsc');
/** Where ainative's checker finds @types/node for a bare repo (see src/adapters/typescript/compiler-options.ts). */
export const TYPE_ROOT = path.dirname(path.dirname(require.resolve('@types/node/package.json')));

async function fromDist<T>(relative: string): Promise<T> {
  return (await import(path.join(PACKAGE_DIR, 'dist', relative))) as T;
}

/** The real adapters and helpers the loop uses, loaded from dist/. */
export async function loadAdapters() {
  const [sandboxed, checker, feedback, guard, workspace, protectedFiles, fake] = await Promise.all([
    fromDist<typeof import('../src/adapters/test-host/sandboxed-runner.js')>('src/adapters/test-host/sandboxed-runner.js'),
    fromDist<typeof import('../src/adapters/typescript/checker.js')>('src/adapters/typescript/checker.js'),
    fromDist<typeof import('../src/core/agent/feedback.js')>('src/core/agent/feedback.js'),
    fromDist<typeof import('../src/adapters/guard/static-guard.js')>('src/adapters/guard/static-guard.js'),
    fromDist<typeof import('../src/adapters/repo/workspace.js')>('src/adapters/repo/workspace.js'),
    fromDist<typeof import('../src/adapters/repo/protected-files.js')>('src/adapters/repo/protected-files.js'),
    loadFakeServer(),
  ]);
  return {
    createSandboxedRunner: sandboxed.createSandboxedRunner,
    createTsChecker: checker.createTsChecker,
    summarizeFailures: feedback.summarizeFailures,
    findUnsafeCode: guard.findUnsafeCode,
    createFsWorkspace: workspace.createFsWorkspace,
    createProtectedFiles: protectedFiles.createProtectedFiles,
    ...fake,
  };
}

/** The fake OpenAI-compatible server of the test suite (built into dist/test/helpers). */
export async function loadFakeServer() {
  return fromDist<typeof import('../test/helpers/fake-model-server.js')>('test/helpers/fake-model-server.js');
}
