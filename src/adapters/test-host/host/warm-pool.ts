// vitest's threads pool, with worker threads started ahead of need. vitest 4 gives every test file a new worker
// thread (that is its isolation) and stops them all at the end of each run, so a rerun of one small test file spends
// ~90 of its ~115 ms booting a thread and loading vitest's runtime into it. This pool keeps a few booted, never-used
// threads in reserve and hands one to each new task: isolation is unchanged (a thread still serves one file, then is
// stopped), but the boot happens while ainative waits for the model instead of while it waits for the tests.
// Every thread, spare or not, starts with ainative's worker entry (confined.worker.ts), which locks the thread's
// realm down before vitest's own entry runs in it, and within a heap limit.
import { Worker } from 'node:worker_threads';
import { ThreadsPoolWorker } from 'vitest/node';
import type { ConfinedWorkerData } from '../worker/confined.worker.js';

type PoolOptions = ConstructorParameters<typeof ThreadsPoolWorker>[0];
type PoolRunnerInitializer = { readonly name: string; createPoolWorker: (options: PoolOptions) => ThreadsPoolWorker };

/** How vitest starts a thread; spares must be started exactly the same way to stand in for one. */
interface ThreadSpec {
  entrypoint: string;
  env: Partial<NodeJS.ProcessEnv>;
  execArgv: string[];
  key: string;
}

/** ThreadsPoolWorker's fields this pool relies on (public in the JavaScript, not in the typings). */
interface ThreadsWorkerInternals {
  entrypoint: string;
  env: Partial<NodeJS.ProcessEnv>;
  execArgv: string[];
  _thread: Worker | undefined;
}

/** How every thread of the pool starts. */
export interface ThreadOptions {
  /** The entry that prepares the thread and then runs vitest's (see confined.worker.ts). */
  entry: string;
  /** Heap limit of each test thread; past it the thread dies and its test file fails. */
  maxHeapMb: number;
  /** Where threads keep Node's compile cache, so each new thread skips compiling vitest again; none when undefined. */
  compileCacheDir?: string;
}

export interface WarmPool {
  /** The value for vitest's `pool` option. */
  readonly pool: PoolRunnerInitializer;
  /** Boots spare threads up to `wanted` (at most the reserve); call when a run has ended and the machine is idle. */
  replenish(wanted: number): void;
  /** Stops every spare. */
  close(): Promise<void>;
}

/** The name vitest reports the pool under; not 'threads', or vitest would build its own worker instead. */
const POOL_NAME = 'ainative-threads';

/** A threads pool that keeps up to `reserve` booted threads ready, as many as asked for (0: none ahead of need). */
export function createWarmPool(reserve: number, threads: ThreadOptions): WarmPool {
  const spares: Array<{ key: string; thread: Worker }> = [];
  let spec: ThreadSpec | undefined;
  let closed = false;

  const take = (wanted: ThreadSpec): Worker | undefined => {
    const index = spares.findIndex((spare) => spare.key === wanted.key);
    if (index === -1) return undefined;
    const [spare] = spares.splice(index, 1);
    spare!.thread.ref();
    return spare!.thread;
  };

  class WarmThreadsWorker extends ThreadsPoolWorker {
    override async start(): Promise<void> {
      const self = this as unknown as ThreadsWorkerInternals;
      // A vitest release that renamed these internals would run tests in threads nobody locked down: refuse instead.
      if (typeof self.entrypoint !== 'string' || !('_thread' in self)) {
        throw new Error('ainative cannot start confined test threads with this vitest version (its thread pool internals changed)');
      }
      const wanted = specOf(self);
      spec = wanted;
      // vitest creates the thread in start() only when none is set, so the one set here is the one it uses.
      if (!self._thread) {
        const thread = (closed ? undefined : take(wanted)) ?? boot(wanted, threads);
        thread.ref();
        self._thread = thread;
      }
      return super.start();
    }
  }

  return {
    pool: { name: POOL_NAME, createPoolWorker: (options) => new WarmThreadsWorker(options) },
    replenish(wanted) {
      if (closed || !spec) return;
      // A changed spec (new env or flags) makes older spares useless.
      for (const stale of spares.filter((spare) => spare.key !== spec!.key)) void stop(stale.thread);
      spares.splice(0, spares.length, ...spares.filter((spare) => spare.key === spec!.key));
      // Spares already booted stay (their cost is paid); only missing ones are started.
      while (spares.length < Math.min(wanted, reserve)) {
        const spare = { key: spec.key, thread: boot(spec, threads) };
        // A spare that dies while waiting (out of memory, a failed boot) must not be handed out.
        spare.thread.once('exit', () => {
          const index = spares.indexOf(spare);
          if (index !== -1) spares.splice(index, 1);
        });
        spares.push(spare);
      }
    },
    async close() {
      closed = true;
      await Promise.all(spares.splice(0).map((spare) => stop(spare.thread)));
    },
  };
}

function specOf(worker: ThreadsWorkerInternals): ThreadSpec {
  const { entrypoint, env, execArgv } = worker;
  return { entrypoint, env, execArgv, key: JSON.stringify([entrypoint, env, execArgv]) };
}

/** Starts a thread as ThreadsPoolWorker would, through ainative's entry; unref'd, so an idle spare never keeps the process alive. */
function boot(spec: ThreadSpec, threads: ThreadOptions): Worker {
  const thread = new Worker(threads.entry, {
    env: spec.env,
    execArgv: spec.execArgv,
    stdout: true,
    stderr: true,
    workerData: { vitestEntry: spec.entrypoint, compileCacheDir: threads.compileCacheDir } satisfies ConfinedWorkerData,
    resourceLimits: { maxOldGenerationSizeMb: threads.maxHeapMb },
  });
  thread.unref();
  // An error while idle ends the thread (see the 'exit' handler); once handed out, vitest listens for its own.
  thread.on('error', () => {});
  return thread;
}

async function stop(thread: Worker): Promise<void> {
  await thread.terminate().catch(() => {});
}
