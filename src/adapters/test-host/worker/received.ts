// What an assertion may trust about a value the module under test produced. vitest's equality asks the received
// value itself whether it matches (`asymmetricMatch`), serialises `$$typeof` objects through their own methods, and
// reads getters and proxies as often as it likes: a module can answer "equal" to anything. So a received value that
// is or holds a matcher-shaped object fails its test, and equality matchers compare a copy read exactly once: getters
// run once, a proxy's traps run once, and what the copy holds cannot change while the matcher looks at it.
import { types } from 'node:util';
import { isConfinedProxy } from './provenance.js';

/** Property names through which a value takes part in deciding its own assertion. */
const MATCHER_KEYS: readonly PropertyKey[] = ['asymmetricMatch', '$$typeof'];
/** Bigger received values are refused rather than copied. */
const MAX_NODES = 200_000;
/** Built-in prototypes whose getters a copy answers itself: it has the same internal slots (`size` of a Map). */
const SLOTS_COPIED = new Set<object>([
  Object.prototype,
  Array.prototype,
  Error.prototype,
  Map.prototype,
  Set.prototype,
  Date.prototype,
  RegExp.prototype,
]);
/** Built-in prototypes of the values kept as they are: their getters are the realm's, the ones below a class's. */
const TYPED_ARRAY = Reflect.getPrototypeOf(Uint8Array) as { prototype: object };
// biome-ignore format: a word list, several to a line.
const KEPT_PROTOTYPES = new Set<object>([
  Object.prototype, Promise.prototype, WeakMap.prototype, WeakSet.prototype, Number.prototype, String.prototype,
  Boolean.prototype, Symbol.prototype, BigInt.prototype, ArrayBuffer.prototype, SharedArrayBuffer.prototype,
  DataView.prototype, TYPED_ARRAY.prototype, Buffer.prototype,
]);

/** A received value the assertion cannot trust; the test fails with this message. */
export class UntrustedValueError extends Error {
  constructor(message: string) {
    super(`ainative: ${message} — a value must not take part in judging itself`);
    this.name = 'UntrustedValueError';
  }
}

/** Walks a received value and throws when it is or holds a matcher-shaped object or a proxy the module made. */
export function inspectReceived(value: unknown): void {
  const seen = new Set<object>();
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const current = pending.pop();
    if (!isObject(current) || seen.has(current)) continue;
    seen.add(current);
    if (seen.size > MAX_NODES) throw new UntrustedValueError(`the received value has more than ${MAX_NODES} objects`);
    if (types.isProxy(current) && isConfinedProxy(current))
      throw new UntrustedValueError('the received value holds a Proxy made by the module');
    refuseMatcherShape(current);
    for (const key of Reflect.ownKeys(current)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(current, key)!;
      pending.push('value' in descriptor ? descriptor.value : descriptor.get ? Reflect.apply(descriptor.get, current, []) : undefined);
    }
    if (types.isMap(current)) Map.prototype.forEach.call(current, (entry: unknown, key: unknown) => pending.push(key, entry));
    else if (types.isSet(current)) Set.prototype.forEach.call(current, (entry: unknown) => pending.push(entry));
  }
}

/** A copy of a received value for equality matchers: same shapes and prototypes, plain data read once. */
export function materialize(value: unknown): unknown {
  return new Copier().copy(value);
}

/** `toThrow(X)` and `toBeInstanceOf(X)` ask X; a class of the module's may answer `instanceof` as it likes. */
export function refuseOwnInstanceCheck(expected: unknown): void {
  if (typeof expected !== 'function') return;
  for (let owner: object | null = expected; owner && owner !== Function.prototype; owner = Reflect.getPrototypeOf(owner)) {
    if (Reflect.getOwnPropertyDescriptor(owner, Symbol.hasInstance)) {
      throw new UntrustedValueError(`${(expected as { name?: string }).name || 'the expected class'} defines Symbol.hasInstance`);
    }
  }
}

class Copier {
  private readonly copies = new Map<object, unknown>();

  copy(value: unknown): unknown {
    if (!isObject(value)) return value;
    const known = this.copies.get(value);
    if (known !== undefined || this.copies.has(value)) return known;
    if (this.copies.size >= MAX_NODES) throw new UntrustedValueError(`the received value has more than ${MAX_NODES} objects`);
    refuseMatcherShape(value);
    // Functions are compared by identity; their own properties never decide an equality.
    if (typeof value === 'function') return value;
    return this.copyObject(value);
  }

  private copyObject(value: object): unknown {
    if (isKeptAsIs(value)) return this.keep(value, refuseGetters(value));
    const copy = this.keep(value, this.emptyCopy(value));
    if (types.isMap(value)) {
      Map.prototype.forEach.call(value, (entry: unknown, key: unknown) => Map.prototype.set.call(copy, this.copy(key), this.copy(entry)));
    } else if (types.isSet(value)) {
      Set.prototype.forEach.call(value, (entry: unknown) => Set.prototype.add.call(copy, this.copy(entry)));
    }
    if (!types.isDate(value) && !types.isRegExp(value)) this.withOwn(value, copy);
    this.inheritedGetters(value, copy);
    if (!hasSlots(value) && hasIterator(value)) this.freezeIteration(value, copy);
    return copy;
  }

  /** A copy with the value's prototype and internal slots (date, regexp, map, set, array, error), no content yet. */
  private emptyCopy(value: object): object {
    const proto = Reflect.getPrototypeOf(value);
    if (types.isDate(value)) return withProto(new Date(Date.prototype.getTime.call(value)), proto);
    if (types.isRegExp(value)) return withProto(new RegExp(value as RegExp), proto);
    if (types.isMap(value)) return withProto(new Map(), proto);
    if (types.isSet(value)) return withProto(new Set(), proto);
    if (Array.isArray(value)) return withProto([], proto);
    return types.isNativeError(value) ? nativeErrorWith(proto) : Object.create(proto);
  }

  /**
   * Getters of the value's classes (`get size()`, URL's `href`) run against the original, once, when a matcher first
   * reads them: run against the copy they would miss the private fields and internal slots no copy can have, and
   * what they return would go unchecked. Built-in prototypes whose getters work on the copy end the walk.
   */
  private inheritedGetters(source: object, copy: object): void {
    for (let owner = Reflect.getPrototypeOf(source); owner && !SLOTS_COPIED.has(owner); owner = Reflect.getPrototypeOf(owner)) {
      for (const key of Reflect.ownKeys(owner)) {
        const getter = Reflect.getOwnPropertyDescriptor(owner, key)!.get;
        if (!getter || Reflect.getOwnPropertyDescriptor(copy, key)) continue;
        let read: { value: unknown } | undefined;
        const get = () => {
          read ??= { value: this.copy(Reflect.apply(getter, source, [])) };
          return read.value;
        };
        Reflect.defineProperty(copy, key, { get, enumerable: false, configurable: true });
      }
    }
  }

  /** Copies every own property as plain data (getters read once), keeping enumerability. */
  private withOwn(source: object, copy: object): object {
    for (const key of Reflect.ownKeys(source)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(source, key)!;
      const read = 'value' in descriptor ? descriptor.value : descriptor.get ? Reflect.apply(descriptor.get, source, []) : undefined;
      Reflect.defineProperty(copy, key, { value: this.copy(read), enumerable: descriptor.enumerable, writable: true, configurable: true });
    }
    return copy;
  }

  /** An iterable of the module's: iterated once now; the copy replays those items. */
  private freezeIteration(source: object, copy: object): void {
    const items: unknown[] = [];
    for (const item of source as Iterable<unknown>) {
      items.push(this.copy(item));
      if (items.length > MAX_NODES) throw new UntrustedValueError(`the received value yields more than ${MAX_NODES} items`);
    }
    Reflect.defineProperty(copy, Symbol.iterator, { value: () => items[Symbol.iterator](), enumerable: false });
  }

  private keep<T>(source: object, copy: T): T {
    this.copies.set(source, copy);
    return copy;
  }
}

/** Throws when `value`, or anything on its prototype chain, carries a matcher key (as data or as an accessor). */
function refuseMatcherShape(value: object): void {
  for (let owner: object | null = value; owner; owner = Reflect.getPrototypeOf(owner)) {
    for (const key of MATCHER_KEYS) {
      if (Reflect.getOwnPropertyDescriptor(owner, key)) {
        throw new UntrustedValueError(`the received value has a '${String(key)}' property, which makes it behave as a matcher`);
      }
    }
  }
}

/** Objects compared by identity or by internal slots a copy cannot have: kept, when no getter of theirs can lie. */
function isKeptAsIs(value: object): boolean {
  return (
    types.isPromise(value) ||
    types.isWeakMap(value) ||
    types.isWeakSet(value) ||
    types.isBoxedPrimitive(value) ||
    types.isModuleNamespaceObject(value) ||
    ArrayBuffer.isView(value) ||
    types.isAnyArrayBuffer(value)
  );
}

/** A value kept as it is must not have getters of its own, nor of a class between it and its built-in prototype. */
function refuseGetters<T extends object>(value: T): T {
  if (types.isModuleNamespaceObject(value)) return value;
  for (let owner: object | null = value; owner && !KEPT_PROTOTYPES.has(owner); owner = Reflect.getPrototypeOf(owner)) {
    for (const key of Reflect.ownKeys(owner)) {
      if (!('value' in Reflect.getOwnPropertyDescriptor(owner, key)!))
        throw new UntrustedValueError(`the received value has a getter '${String(key)}'`);
    }
  }
  return value;
}

/** An error object (so equality still sees an Error) with the given prototype and no own properties yet. */
function nativeErrorWith(proto: object | null): object {
  const error = new Error();
  Reflect.deleteProperty(error, 'stack');
  return withProto(error, proto);
}

function withProto<T extends object>(copy: T, proto: object | null): T {
  if (Reflect.getPrototypeOf(copy) !== proto) Reflect.setPrototypeOf(copy, proto);
  return copy;
}

/** Dates, regexps, maps, sets, arrays and errors: copied with their internal slots, and compared by them. */
function hasSlots(value: object): boolean {
  return (
    types.isDate(value) ||
    types.isRegExp(value) ||
    types.isMap(value) ||
    types.isSet(value) ||
    Array.isArray(value) ||
    types.isNativeError(value)
  );
}

function hasIterator(value: object): boolean {
  return typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}

function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}
