// A vitest setup file that ainative injects into every test run of generated code. It runs in each test worker
// before the test file (and so before the module under test) is imported, and makes the usual ways of gaming the
// assertions fail loudly:
// - the built-ins the matchers compare with (Object.is, Object.keys, iteration, JSON, Reflect, ...) and the built-in
//   matchers themselves are made read-only, so replacing them throws (or, in sloppy code, does nothing);
// - after every test the guarded values are compared with a snapshot taken here, and custom equality testers
//   added since are probed: anything replaced, or a tester that calls different values equal, fails the test;
// - process.exit/reallyExit/abort and killing the own process (or its parent) throw, are recorded, and fail the test
//   and the file even when the code under test caught the error.
// - every matcher first checks the received value (matcher-guard.ts): matcher-shaped objects fail, equality compares
//   a copy read once.
// For a confined module the wall is its compartment (confine.ts) in a locked-down realm; these checks stay as
// tripwires for what runs in the test realm itself (the tests, and modules of intents with `isolation: shared`).
import { afterAll, afterEach, beforeEach, chai, expect, vi } from 'vitest';
import { workerRuntime } from './worker-runtime.js';

// Loaded natively by the thread's entry; importing it here would load a second copy through vitest's module runner.
const { guardMatchers } = workerRuntime();

const PREFIX = 'ainative runtime guard';

// Captured before any test code runs, so the guard keeps working with what it checked.
const { defineProperty, getOwnPropertyDescriptor, freeze } = Object;
const ownKeys = Reflect.ownKeys;
const apply = Reflect.apply;
const ErrorCtor = Error;

/** One guarded property and the value (or getter) it had when the guard started. */
interface Watched {
  owner: object;
  key: PropertyKey;
  label: string;
  value: unknown;
}

const watched: Watched[] = [];

/** Built-ins the matchers and their diffs rely on; Math.random, Date and timers stay writable for vi's fakes. */
// biome-ignore format: a table, one object and its members a line.
const BUILTINS: Array<[object, PropertyKey[], string]> = [
  [globalThis, ['Object', 'Array', 'Function', 'Reflect', 'JSON', 'Number', 'String', 'Boolean', 'Symbol', 'Math', 'Map', 'Set', 'WeakMap', 'WeakSet', 'RegExp', 'Error', 'Proxy'], 'globalThis'],
  [Object, ['is', 'keys', 'values', 'entries', 'getOwnPropertyNames', 'getOwnPropertySymbols', 'getOwnPropertyDescriptor', 'getOwnPropertyDescriptors', 'getPrototypeOf', 'setPrototypeOf', 'defineProperty', 'defineProperties', 'hasOwn', 'assign', 'create', 'freeze', 'isFrozen', 'fromEntries'], 'Object'],
  // Not toString/valueOf: code legitimately assigns `obj.toString = …`, which a read-only prototype property forbids.
  [Object.prototype, ['hasOwnProperty', 'propertyIsEnumerable', 'isPrototypeOf'], 'Object.prototype'],
  [Array, ['isArray', 'from', 'of'], 'Array'],
  [Array.prototype, [Symbol.iterator, 'every', 'some', 'forEach', 'map', 'filter', 'find', 'findIndex', 'includes', 'indexOf', 'join', 'keys', 'values', 'entries', 'slice', 'reduce', 'sort'], 'Array.prototype'],
  [Function.prototype, ['call', 'apply', 'bind', Symbol.hasInstance], 'Function.prototype'],
  [Reflect, ownKeys(Reflect).filter((key) => key !== Symbol.toStringTag), 'Reflect'],
  [JSON, ['stringify', 'parse'], 'JSON'],
  [Number, ['isNaN', 'isInteger', 'isFinite', 'isSafeInteger'], 'Number'],
  [Math, ['abs', 'pow', 'max', 'min'], 'Math'],
  [String.prototype, ['includes', 'indexOf', 'startsWith', 'endsWith', 'match', 'slice', 'split', 'trim'], 'String.prototype'],
  [RegExp.prototype, ['test', 'exec', Symbol.match], 'RegExp.prototype'],
  [Map.prototype, ['get', 'has', 'keys', 'values', 'entries', 'forEach', Symbol.iterator], 'Map.prototype'],
  [Set.prototype, ['has', 'keys', 'values', 'entries', 'forEach', Symbol.iterator], 'Set.prototype'],
  [Symbol, ['for'], 'Symbol'],
];

/** Compared after each test but left writable: replacing them is legitimate in rare setups (zone.js), leaving them replaced is not. */
const WATCHED_ONLY: Array<[object, PropertyKey[], string]> = [
  [Object.prototype, ['toString'], 'Object.prototype'],
  [Promise.prototype, ['then', 'catch', 'finally'], 'Promise.prototype'],
];

/** Where vitest 4 (@vitest/expect) keeps the matcher registry and the state of `expect`. */
const MATCHER_SYMBOLS = ['$$jest-matchers-object', 'matchers-object', 'asymmetric-matchers-object'].map((name) => Symbol.for(name));

function lockBuiltins(): void {
  for (const [owner, keys, label] of BUILTINS) for (const key of keys) lock(owner, key, label);
  for (const [owner, keys, label] of WATCHED_ONLY) for (const key of keys) watch(owner, key, label);
}

/**
 * Matchers added through `expect.extend` before the guard ran: vitest's own (toSatisfy, toBeOneOf) and those of user
 * setup files. vitest installs its own again whenever it creates a test context's `expect`, so these stay writable
 * and are checked by behaviour (`EXTENDED_PROBES`) instead of identity.
 */
const reinstalled = new Set<PropertyKey>(ownKeys((globalThis as Record<symbol, object | undefined>)[MATCHER_SYMBOLS[2]] ?? {}));

/** Locks the matchers: vitest's registry, chai's Assertion.prototype (where `expect(x).toBe` is looked up), expect and vi. */
function lockAssertionMachinery(): void {
  for (const symbol of MATCHER_SYMBOLS) lock(globalThis, symbol, 'globalThis');
  const registry = (globalThis as Record<symbol, { matchers?: object } | undefined>)[MATCHER_SYMBOLS[0]];
  if (registry?.matchers) lockAll(registry.matchers, 'expect matcher', reinstalled);
  const assertion = chai.Assertion.prototype as unknown as Record<string, unknown>;
  lockAll(assertion, 'chai Assertion.prototype', reinstalled);
  // Chainable methods (include, length, a, ...) keep their implementations in this table.
  const chainables = assertion.__methods as Record<string, object> | undefined;
  if (chainables) for (const key of ownKeys(chainables)) freeze(chainables[key as string]);
  lockAll(chai.util, 'chai.util');
  lock(chai, 'Assertion', 'chai');
  lock(chai, 'AssertionError', 'chai');
  lockAll(expect, 'expect', reinstalled);
  lockAll(expect.not, 'expect.not', reinstalled);
  lockAll(vi, 'vi');
}

function lockAll(owner: object, label: string, except: Set<PropertyKey> = new Set()): void {
  for (const key of ownKeys(owner)) if (!except.has(key)) lock(owner, key, label);
}

type Expect = (value: unknown) => Record<string, (...args: unknown[]) => unknown>;
/** Assertions that must fail, one per matcher that cannot be locked. */
const EXTENDED_PROBES: Record<string, (check: Expect) => unknown> = {
  toSatisfy: (check) => check(1).toSatisfy(() => false),
  toBeOneOf: (check) => check(1).toBeOneOf([2]),
};

function checkExtendedMatchers(): void {
  for (const [name, probe] of Object.entries(EXTENDED_PROBES)) {
    if (!reinstalled.has(name)) continue;
    let failed = false;
    try {
      probe(expect as unknown as Expect);
    } catch {
      failed = true;
    }
    if (!failed) throw tamperError(`the ${name} matcher`);
  }
}

/** Makes one property read-only and non-configurable (getters stay getters) and remembers its value. */
function lock(owner: object, key: PropertyKey, label: string): void {
  const descriptor = getOwnPropertyDescriptor(owner, key);
  if (!descriptor) return;
  if (descriptor.configurable) {
    const locked: PropertyDescriptor =
      'value' in descriptor
        ? { value: descriptor.value, writable: false, enumerable: descriptor.enumerable, configurable: false }
        : { get: descriptor.get, set: descriptor.set, enumerable: descriptor.enumerable, configurable: false };
    defineProperty(owner, key, locked);
  }
  watch(owner, key, label);
}

function watch(owner: object, key: PropertyKey, label: string): void {
  watched.push({ owner, key, label, value: current(owner, key) });
}

/** The property's value, or its getter for accessors (calling getters could run test code). */
function current(owner: object, key: PropertyKey): unknown {
  const descriptor = getOwnPropertyDescriptor(owner, key);
  if (!descriptor) return undefined;
  return 'value' in descriptor ? descriptor.value : descriptor.get;
}

function tamperError(name: string): Error {
  return new ErrorCtor(`${PREFIX}: ${name} was replaced during the test — tampering with the assertion machinery is not allowed`);
}

function checkWatched(): void {
  for (const entry of watched) {
    if (current(entry.owner, entry.key) !== entry.value) throw tamperError(`${entry.label}.${String(entry.key)}`);
  }
}

// --- custom equality testers: `expect.addEqualityTesters` is public, so a tester cannot be refused, only probed.

type Tester = (this: unknown, a: unknown, b: unknown, testers: unknown[]) => boolean | undefined;
const testerRegistry = (): Tester[] =>
  (globalThis as Record<symbol, { customEqualityTesters?: Tester[] } | undefined>)[MATCHER_SYMBOLS[0]]?.customEqualityTesters ?? [];
const trustedTesters = new Set<Tester>(testerRegistry());
/** Pairs no honest tester calls equal. */
const UNEQUAL_PAIRS: Array<[unknown, unknown]> = [
  [1, 2],
  ['ainative-a', 'ainative-b'],
  [{ ainative: 1 }, { ainative: 2 }],
  [[1], [2]],
];

function checkEqualityTesters(): void {
  for (const tester of testerRegistry()) {
    if (trustedTesters.has(tester)) continue;
    if (UNEQUAL_PAIRS.some(([a, b]) => saysEqual(tester, a, b))) {
      throw new ErrorCtor(
        `${PREFIX}: a custom equality tester that calls different values equal was registered — tampering with the assertion machinery is not allowed`,
      );
    }
    trustedTesters.add(tester);
  }
}

function saysEqual(tester: Tester, a: unknown, b: unknown): boolean {
  try {
    return apply(tester, { equals: () => false }, [a, b, []]) === true;
  } catch {
    return false;
  }
}

// --- exits: a run in which anything tried to end the process must not be green.

const exitAttempts: string[] = [];
let reportedAttempts = 0;
const realKill = process.kill.bind(process);

function refuse(call: string): never {
  const message = `${PREFIX}: ${call} called during the test run`;
  exitAttempts.push(message);
  throw new ErrorCtor(message);
}

/**
 * True for pids whose signal ends the host: this process or its group (the host leads its own), its parent
 * (bwrap's init, or ainative itself), pid 1, and 0 or -1 (own group, everything). Children the tests spawned stay killable.
 */
function isOwnProcess(pid: number): boolean {
  const target = Math.abs(pid);
  return target <= 1 || target === process.pid || target === process.ppid;
}

function guardExits(): void {
  const replacements: Record<string, unknown> = {
    exit: (code?: number | string) => refuse(`process.exit(${code ?? ''})`),
    reallyExit: (code?: number) => refuse(`process.reallyExit(${code ?? ''})`),
    abort: () => refuse('process.abort()'),
    kill: (pid: number, signal?: string | number) =>
      isOwnProcess(Number(pid))
        ? refuse(`process.kill(${pid}${signal === undefined ? '' : `, ${String(signal)}`})`)
        : realKill(pid, signal),
  };
  for (const [name, replacement] of Object.entries(replacements)) {
    const descriptor = getOwnPropertyDescriptor(process, name);
    if (descriptor && !descriptor.configurable) continue;
    defineProperty(process, name, {
      value: replacement,
      writable: false,
      enumerable: descriptor?.enumerable ?? false,
      configurable: false,
    });
    watch(process, name, 'process');
  }
}

function checkExits(): void {
  if (exitAttempts.length === reportedAttempts) return;
  reportedAttempts = exitAttempts.length;
  throw new ErrorCtor(exitAttempts[exitAttempts.length - 1]);
}

// --- the task itself: flags that turn a failure into a pass (`fails`) or retry until the cheat works.

interface TaskFlags {
  fails: unknown;
  retry: unknown;
  repeats: unknown;
}
type GuardedTask = TaskFlags & { name: string };
const flagsAtStart = new WeakMap<object, TaskFlags>();

function flagsOf(task: GuardedTask): TaskFlags {
  return { fails: task.fails, retry: task.retry, repeats: task.repeats };
}

function checkTask(task: GuardedTask): void {
  const before = flagsAtStart.get(task);
  if (!before) return;
  const after = flagsOf(task);
  for (const key of ['fails', 'retry', 'repeats'] as const) {
    if (Object.is(before[key], after[key])) continue;
    // Restore first: vitest inverts a failure into a pass for `fails` tests after the hooks, this error included.
    Object.assign(task, before);
    throw tamperError(`the test's "${key}" flag`);
  }
}

guardMatchers(chai);
lockBuiltins();
lockAssertionMachinery();
guardExits();

beforeEach((context) => {
  // vitest installs some matchers again for each test's own expect.
  guardMatchers(chai);
  flagsAtStart.set(context.task, flagsOf(context.task as unknown as GuardedTask));
});

// Registered first, so with vitest's default "stack" order it runs after the test file's own afterEach hooks.
afterEach((context) => {
  checkExits();
  checkWatched();
  // Testers first: one that calls everything equal also breaks toBeOneOf, and this message names the cause.
  checkEqualityTesters();
  checkExtendedMatchers();
  checkTask(context.task as unknown as GuardedTask);
});

afterAll(() => {
  checkWatched();
  if (exitAttempts.length > 0) throw new ErrorCtor(exitAttempts[0]);
});
