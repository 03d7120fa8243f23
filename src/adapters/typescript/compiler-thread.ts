import { Worker } from 'node:worker_threads';
import type { TypeChecker, TypeProblem } from '../../core/ports.js';
import { builtScript } from '../project/package-files.js';
import type { StaticGuardOptions } from '../guard/static-guard.js';

/** What the build asks the compiler thread (compiler.worker.ts). */
export type CompilerRequest =
  | { id: number; type: 'check'; modulePath: string; code: string; requiredExports: string[] }
  | { id: number; type: 'extractApi'; modulePath: string }
  | { id: number; type: 'guard'; options: StaticGuardOptions };

export type CompilerReply =
  | { id: number; ok: true; value: TypeProblem[] | string }
  | { id: number; ok: false; message: string; stack?: string };

type WithoutId<R> = R extends unknown ? Omit<R, 'id'> : never;

/** The type checker and the static guard, in one worker thread. */
export interface CompilerThread extends TypeChecker {
  guard(options: StaticGuardOptions): Promise<TypeProblem[]>;
  /** Ends the thread; calls still waiting are rejected. */
  close(): Promise<void>;
}

/**
 * The checker's young generation, as V8 sized it up to Node 22 (16 MB semi-spaces). Node 24's V8 lets it grow
 * larger: TypeScript's garbage then raised ainative's peak memory by ~55 MB in a full check, with checks no faster
 * (measured).
 */
const COMPILER_YOUNG_GENERATION_MB = 48;

/**
 * Everything of a build that needs the TypeScript compiler, in a worker thread: loading TypeScript (~0.3 s),
 * parsing the standard library and @types/node on the first check (~0.6 s) and every check after (tens of ms) no
 * longer hold up the build's main thread, which meanwhile takes model replies, writes modules and hands their tests
 * to the test host; and the compiler loads once, not once for the guard and again for the checker. The thread starts
 * loading at once, while the model answers the first requests.
 */
export function createCompilerThread(options: { root: string }): CompilerThread {
  // No flags of this process: some that Node accepts for a process (--input-type, --eval) are refused for a thread.
  const worker = new Worker(builtScript('adapters/typescript/compiler.worker.js'), {
    workerData: { root: options.root },
    execArgv: [],
    resourceLimits: { maxYoungGenerationSizeMb: COMPILER_YOUNG_GENERATION_MB },
  });
  const waiting = new Map<number, { resolve: (value: TypeProblem[] | string) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let failure: Error | undefined;
  // Referenced only while an answer is awaited: an idle thread must not keep the process alive, and a busy one must,
  // or a process with nothing else to wait for would exit in the middle of a check.
  const settled = () => {
    if (waiting.size === 0) worker.unref();
  };
  const failAll = (error: Error) => {
    failure ??= error;
    for (const call of waiting.values()) call.reject(failure);
    waiting.clear();
    settled();
  };
  worker.on('message', (reply: CompilerReply) => {
    const call = waiting.get(reply.id);
    if (!call) return;
    waiting.delete(reply.id);
    settled();
    if (reply.ok) return call.resolve(reply.value);
    const error = new Error(reply.message);
    if (reply.stack) error.stack = reply.stack;
    call.reject(error);
  });
  worker.on('error', (error) => failAll(new Error(`the compiler thread failed: ${error.message}`, { cause: error })));
  worker.on('exit', (code) => failAll(new Error(`the compiler thread exited (code ${code})`)));
  worker.unref();
  const ask = <T extends TypeProblem[] | string>(request: WithoutId<CompilerRequest>): Promise<T> => {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      waiting.set(id, { resolve: resolve as (value: TypeProblem[] | string) => void, reject });
      worker.ref();
      worker.postMessage({ ...request, id });
    });
  };
  return {
    check: (modulePath, code, requiredExports) => ask<TypeProblem[]>({ type: 'check', modulePath, code, requiredExports }),
    extractApi: (modulePath) => ask<string>({ type: 'extractApi', modulePath }),
    guard: (guardOptions) => ask<TypeProblem[]>({ type: 'guard', options: guardOptions }),
    async close() {
      failAll(new Error('the compiler thread was closed'));
      await worker.terminate();
    },
  };
}
