// How the wrappers of confined modules and the setup file find the runtime the thread entry loaded: on the test
// realm's global object under a registered symbol. Compartments have a global object of their own and cannot see it.
import type { ConfineSpec } from './confine.js';
import type { ChaiLike } from './matcher-guard.js';

/** What a prepared test thread offers the code vitest runs in it. */
export interface WorkerRuntime {
  confineModule(spec: ConfineSpec): Promise<void>;
  guardMatchers(chai: ChaiLike): void;
}

/** The global key; wrappers read it by this name. */
export const WORKER_RUNTIME_KEY = 'ainative.worker-runtime';

/** Installs the runtime once, read-only. */
export function installWorkerRuntime(runtime: WorkerRuntime): void {
  Object.defineProperty(globalThis, Symbol.for(WORKER_RUNTIME_KEY), {
    value: Object.freeze({ ...runtime }),
    enumerable: false,
    writable: false,
    configurable: false,
  });
}

/** The runtime of this thread; throws when the thread was not started through ainative's entry. */
export function workerRuntime(): WorkerRuntime {
  const runtime = (globalThis as unknown as Record<symbol, WorkerRuntime | undefined>)[Symbol.for(WORKER_RUNTIME_KEY)];
  if (!runtime) throw new Error('this test thread was not prepared by ainative (confined.worker.ts did not run)');
  return runtime;
}
