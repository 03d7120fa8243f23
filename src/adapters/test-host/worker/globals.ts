// The global object a confined module sees, beyond the frozen built-ins every SES compartment has. Nothing here is
// the test realm's own object: hardened host classes (frozen by host-realm.ts), or fresh frozen facades whose
// functions look up the test realm's current value at each call, so fake timers, `vi.setSystemTime`, spies on
// `Math.random` or `console.log` and `vi.stubGlobal('fetch', …)` still reach the module, while the module cannot
// replace anything the tests or vitest use. The module gets no `process`, no test-realm `globalThis`.
import { HARDENED_GLOBALS, NATIVE_DATE } from './host-realm.js';
import { recordConfinedProxy } from './provenance.js';

// biome-ignore lint/suspicious/noExplicitAny: the realm's globals, read and replaced by name.
type Host = Record<string, any>;
const host = globalThis as Host;
const NativeProxy = Proxy;
const nativeFetch = host.fetch as unknown;

/** The endowments of one compartment; `allow` names what the intent grants (e.g. `fetch`). */
export function confinedGlobals(allow: readonly string[]): Record<string, unknown> {
  const globals: Record<string, unknown> = {};
  for (const name of HARDENED_GLOBALS) if (host[name] !== undefined) globals[name] = host[name];
  Object.assign(globals, timerFacades(), {
    Date: confinedDate(),
    Math: delegatingNamespace(() => host.Math),
    JSON: delegatingNamespace(() => host.JSON),
    console: delegatingNamespace(() => host.console),
    performance: harden({
      now: () => host.performance.now(),
      get timeOrigin(): number {
        return host.performance.timeOrigin;
      },
    }),
    crypto: harden({
      randomUUID: () => host.crypto.randomUUID(),
      getRandomValues: <T extends ArrayBufferView>(array: T): T => host.crypto.getRandomValues(array),
      subtle: host.crypto?.subtle,
    }),
    Proxy: recordingProxy(),
    fetch: gatedFetch(allow.includes('fetch')),
  });
  return globals;
}

/** `Date` for the module: constructs through the realm's current Date (fake or mocked), always with frozen prototypes. */
function confinedDate(): DateConstructor {
  // biome-ignore lint/suspicious/noShadowRestrictedNames: the module sees this function as its Date, name included.
  function Date(this: unknown, ...args: unknown[]): unknown {
    const current = host.Date as DateConstructor;
    if (!new.target) return Reflect.apply(current, undefined, []);
    // A subclass the module declared keeps its own prototype; a plain date gets the realm's frozen one.
    return Reflect.construct(current, args, new.target === Date ? NATIVE_DATE : new.target);
  }
  Object.defineProperties(Date, {
    prototype: { value: NATIVE_DATE.prototype, writable: false },
    length: { value: 7 },
    now: { value: () => (host.Date as DateConstructor).now() },
    parse: { value: (text: string) => (host.Date as DateConstructor).parse(text) },
    UTC: { value: (...parts: Parameters<DateConstructor['UTC']>) => (host.Date as DateConstructor).UTC(...parts) },
  });
  return harden(Date) as unknown as DateConstructor;
}

/**
 * A frozen object with the source's string keys: functions call the source's current function, primitives are copied.
 * Object values are left out: Node's console keeps its output streams there, and they are not the module's to hold.
 */
function delegatingNamespace(source: () => Host): object {
  const facade: Record<string, unknown> = {};
  const initial = source();
  for (const key of Object.getOwnPropertyNames(initial)) {
    const value = initial[key];
    if (typeof value === 'function') facade[key] = (...args: unknown[]) => Reflect.apply(source()[key], source(), args);
    else if (typeof value !== 'object' || value === null) facade[key] = value;
  }
  return harden(facade);
}

/** setTimeout and friends: the realm's current ones (fake timers included), behind handles the module cannot walk. */
function timerFacades(): Record<string, unknown> {
  const realOf = new WeakMap<object, unknown>();
  const handleFor = (real: unknown): unknown => {
    if (typeof real !== 'object' || real === null) return real;
    const call = (name: string) => () => {
      (real as Host)[name]?.();
      return handle;
    };
    const handle = harden({
      ref: call('ref'),
      unref: call('unref'),
      refresh: call('refresh'),
      hasRef: () => Boolean((real as Host).hasRef?.()),
      [Symbol.toPrimitive]: () => Number(real),
    });
    realOf.set(handle, real);
    return handle;
  };
  const schedule =
    (name: string) =>
    (callback: unknown, ...rest: unknown[]) => {
      // Node calls a timer's callback with the Timeout as `this`, which links to every other timer of the realm.
      const bare = typeof callback === 'function' ? (...args: unknown[]) => Reflect.apply(callback, undefined, args) : callback;
      return handleFor(Reflect.apply(host[name], undefined, [bare, ...rest]));
    };
  const cancel = (name: string) => (handle: unknown) => {
    const real = typeof handle === 'object' && handle !== null ? (realOf.get(handle) ?? handle) : handle;
    Reflect.apply(host[name], undefined, [real]);
  };
  return harden({
    setTimeout: schedule('setTimeout'),
    setInterval: schedule('setInterval'),
    setImmediate: schedule('setImmediate'),
    clearTimeout: cancel('clearTimeout'),
    clearInterval: cancel('clearInterval'),
    clearImmediate: cancel('clearImmediate'),
    queueMicrotask: (callback: () => void) => host.queueMicrotask(() => Reflect.apply(callback, undefined, [])),
  });
}

/** `Proxy`, recording every proxy the module makes: a proxy can answer differently each time an assertion reads it. */
function recordingProxy(): ProxyConstructor {
  // biome-ignore lint/suspicious/noShadowRestrictedNames: the module sees this function as its Proxy, name included.
  function Proxy(this: unknown, target: object, handler: ProxyHandler<object>): object {
    if (!new.target) throw new TypeError("Constructor Proxy requires 'new'");
    return recordConfinedProxy(new NativeProxy(target, handler));
  }
  Object.defineProperty(Proxy, 'revocable', {
    value: (target: object, handler: ProxyHandler<object>) => {
      const { proxy, revoke } = NativeProxy.revocable(target, handler);
      return { proxy: recordConfinedProxy(proxy), revoke };
    },
  });
  return harden(Proxy) as unknown as ProxyConstructor;
}

/** `fetch`: a stub the tests installed always; the network itself only with `allow: [fetch]`. */
function gatedFetch(allowed: boolean): (...args: unknown[]) => unknown {
  return harden((...args: unknown[]) => {
    const current = host.fetch;
    if (current === nativeFetch && !allowed) {
      throw new TypeError('fetch is not granted to this module: add `allow: [fetch]` to its intent, or stub fetch in the test');
    }
    return Reflect.apply(current, undefined, args);
  });
}
