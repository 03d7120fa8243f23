// Node's on-disk compile cache (Node 22.1 and later): V8's compiled code of the modules a thread loads is kept in a
// folder, so the next process or thread that loads them skips most of the compiling. Each thread turns it on for
// itself; Node 20 has no such API and runs as before.
import module from 'node:module';

type WithCompileCache = { enableCompileCache?: (dir?: string) => unknown };

/** Turns the compile cache on for this thread, in `dir` (Node's default folder when undefined); a no-op before Node 22.1. */
export function enableCompileCache(dir?: string): void {
  (module as WithCompileCache).enableCompileCache?.(dir);
}
