// What confined code made, as the test realm's assertions need to know it. Kept on the test realm's global object
// under a registered symbol: the setup file and the confinement runtime may be loaded as separate module instances
// (one through vitest's module runner, one natively), and compartments have a global object of their own.

const KEY = Symbol.for('ainative.confined-proxies');

function registry(): WeakSet<object> {
  const host = globalThis as unknown as Record<symbol, WeakSet<object> | undefined>;
  let proxies = host[KEY];
  if (!proxies) {
    proxies = new WeakSet();
    Object.defineProperty(globalThis, KEY, { value: proxies, enumerable: false, writable: false, configurable: false });
  }
  return proxies;
}

/** Notes a proxy made by confined code and returns it. */
export function recordConfinedProxy<T extends object>(proxy: T): T {
  registry().add(proxy);
  return proxy;
}

/** True for a proxy made by confined code. */
export function isConfinedProxy(value: object): boolean {
  return registry().has(value);
}
