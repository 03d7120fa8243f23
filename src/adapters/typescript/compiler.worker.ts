// The worker thread behind compiler-thread.ts: one warm ts-morph project for the repo (type checks, declaration
// extraction) and the static guard, answering what the build posts. Started with workerData { root }.
import { parentPort, workerData } from 'node:worker_threads';
import type { CompilerReply, CompilerRequest } from './compiler-thread.js';
import { findUnsafeCode } from '../guard/static-guard.js';
import { createTsChecker } from './checker.js';

const port = parentPort!;
const checker = createTsChecker({ root: (workerData as { root: string }).root });

port.on('message', (request: CompilerRequest) => {
  // Checks posted while the thread was busy arrive together and share one program (see createTsChecker).
  const answer =
    request.type === 'guard'
      ? Promise.resolve().then(() => findUnsafeCode(request.options))
      : request.type === 'check'
        ? checker.check(request.modulePath, request.code, request.requiredExports)
        : checker.extractApi(request.modulePath);
  answer.then(
    (value) => port.postMessage({ id: request.id, ok: true, value } satisfies CompilerReply),
    (error: unknown) => port.postMessage(failure(request.id, error)),
  );
});

function failure(id: number, error: unknown): CompilerReply {
  if (error instanceof Error) return { id, ok: false, message: error.message, stack: error.stack };
  return { id, ok: false, message: String(error) };
}
