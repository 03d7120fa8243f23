// The entry of every test worker thread of the test host: locks the realm down (host-realm.ts), loads the
// confinement runtime and the matcher guard natively (so neither costs a module-runner round trip per test file),
// then runs vitest's own worker entry, named in workerData. The thread boots this way while ainative waits.
import { workerData } from 'node:worker_threads';
import { enableCompileCache } from '../../runtime/compile-cache.js';

/** What the warm pool passes to a thread it boots. */
export interface ConfinedWorkerData {
  /** vitest's worker entry (its `workers/threads.js`). */
  vitestEntry: string;
  /** Where the thread keeps Node's compile cache; none when undefined. */
  compileCacheDir?: string;
}

const data = workerData as ConfinedWorkerData;
// First, so that what this thread loads next (SES, vitest's runtime) is read from the cache the threads before it
// wrote, not compiled again.
if (data.compileCacheDir) enableCompileCache(data.compileCacheDir);

// Before anything can allocate from the shared buffer pool (see host-realm.ts).
Buffer.poolSize = 0;
const { prepareRealm } = await import('./host-realm.js');
prepareRealm();
const [{ confineModule }, { guardMatchers }, { installWorkerRuntime }] = await Promise.all([
  import('./confine.js'),
  import('./matcher-guard.js'),
  import('./worker-runtime.js'),
]);
installWorkerRuntime({ confineModule, guardMatchers });
await import(data.vitestEntry);
