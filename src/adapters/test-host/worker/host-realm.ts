// Prepares a test worker thread's realm before vitest loads into it: SES lockdown freezes every shared built-in, so
// code confined in a compartment can neither change what the judge computes with nor reach it through a shared
// prototype; the host objects handed to compartments are hardened too. Tests keep what they commonly rely on:
// `vi.spyOn(Math, 'random')`, `vi.spyOn(Date, 'now')` and `JSON` spies work on writable stand-ins of those globals,
// and fake timers can subclass `Date` without tripping over its frozen statics.
import 'ses';

/** Lockdown options: errors keep their stacks and the console stays Node's, for readable test output. */
const LOCKDOWN_OPTIONS = {
  errorTaming: 'unsafe',
  consoleTaming: 'unsafe',
  // Legacy code assigns `constructor`, `toString` and the like over inherited properties; severe taming lets it.
  overrideTaming: 'severe',
  // The test realm (vitest, tests) may build functions from strings; compartments get their own tamed eval.
  evalTaming: 'unsafe-eval',
  // 'safe' swaps toLocaleString, localeCompare and toLocale{Date,Time}String for locale-blind stand-ins, so correct code
  // got '1234567' from (1234567).toLocaleString('en-US'). They reach nothing, and tell a module no more than the Intl
  // it is given already does.
  localeTaming: 'unsafe',
  stackFiltering: 'verbose',
  domainTaming: 'unsafe',
  // vitest reports uncaught errors and rejections itself.
  errorTrapping: 'none',
  unhandledRejectionTrapping: 'none',
  reporting: 'none',
} as const;

/**
 * Host globals handed to compartments as they are: frozen here so no module can change them for the tests. Not
 * WebAssembly: its error classes inherit from the realm's original Error, whose freezing would break stack traces.
 */
// biome-ignore format: a word list, several to a line.
export const HARDENED_GLOBALS = [
  'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder', 'AbortController', 'AbortSignal', 'Event', 'EventTarget',
  'Blob', 'Headers', 'Request', 'Response', 'FormData', 'structuredClone', 'atob', 'btoa', 'Buffer', 'Intl',
  'WeakRef', 'FinalizationRegistry', 'Atomics', 'SharedArrayBuffer', 'Float32Array', 'Float64Array',
] as const;

/** The realm's own Date (the global is a stand-in once the realm is prepared); compartments construct dates through it. */
export const NATIVE_DATE = Date.prototype.constructor as DateConstructor;

let prepared = false;

/** Locks the realm down and installs the stand-ins; call once, before anything else loads into the thread. */
export function prepareRealm(): void {
  if (prepared) return;
  prepared = true;
  // Pooled buffers share one ArrayBuffer with whatever the realm encoded before; a module could read it back.
  Buffer.poolSize = 0;
  lockdown(LOCKDOWN_OPTIONS);
  const host = globalThis as Record<string, unknown>;
  for (const name of HARDENED_GLOBALS) if (host[name] !== undefined) harden(host[name]);
  const crypto = host.crypto as { subtle?: object } | undefined;
  if (crypto?.subtle) harden(crypto.subtle);
  host.Date = writableDate(NATIVE_DATE);
  host.Math = writableCopy(Math);
  host.JSON = writableCopy(JSON);
}

/**
 * A `Date` whose statics are writable own properties: fake timers and vitest's mocked date subclass it and assign
 * `now`, `parse` and `UTC`, which the frozen original forbids. Instances are the realm's own dates.
 */
function writableDate(native: DateConstructor): DateConstructor {
  // biome-ignore lint/suspicious/noShadowRestrictedNames: the realm's Date from now on, name included.
  function Date(this: unknown, ...args: unknown[]): unknown {
    return new.target ? Reflect.construct(native, args, new.target) : native();
  }
  Object.defineProperties(Date, {
    prototype: { value: native.prototype, writable: false, enumerable: false, configurable: false },
    length: { value: 7, configurable: true },
    now: { value: native.now, writable: true, enumerable: false, configurable: true },
    parse: { value: native.parse, writable: true, enumerable: false, configurable: true },
    UTC: { value: native.UTC, writable: true, enumerable: false, configurable: true },
  });
  return Date as unknown as DateConstructor;
}

/** A plain object with the same properties as `source`, all writable, so spies can replace them. */
function writableCopy<T extends object>(source: T): T {
  const copy = Object.create(Object.getPrototypeOf(source)) as T;
  for (const key of Reflect.ownKeys(source)) {
    const descriptor = Object.getOwnPropertyDescriptor(source, key)!;
    Object.defineProperty(copy, key, { ...descriptor, ...('value' in descriptor ? { writable: true } : {}), configurable: true });
  }
  return copy;
}
