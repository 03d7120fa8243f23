// The entry of every test worker thread of the test host: locks the realm down (host-realm.ts), loads the
// confinement runtime and the matcher guard natively (so neither costs a module-runner round trip per test file),
// then runs vitest's own worker entry, named in workerData. The thread boots this way while ainative waits.
import { workerData } from 'node:worker_threads';

/** What the warm pool passes to a thread it boots. */
export interface ConfinedWorkerData {
  /** vitest's worker entry (its `workers/threads.js`). */
  vitestEntry: string;
}

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
await import((workerData as ConfinedWorkerData).vitestEntry);
