// Puts received.ts in front of every vitest matcher (`to…` on chai's Assertion.prototype): equality and snapshot
// matchers compare a copy read once, spy matchers compare copies of the recorded calls and results, `toThrow`
// compares a copy of what was thrown, matchers decided by identity take the value as it is, and every other matcher
// refuses matcher-shaped values and module-made proxies.
import { inspectReceived, materialize, refuseOwnInstanceCheck, UntrustedValueError } from './received.js';

/** The parts of chai this guard needs. */
export interface ChaiLike {
  Assertion: { prototype: object };
  util: { flag(assertion: object, key: string, value?: unknown): unknown };
}

type Matcher = (this: object, ...args: unknown[]) => unknown;
type Kind = 'copy' | 'spy' | 'throw' | 'instance' | 'inspect' | 'identity';

const COPY = new Set([
  'toEqual',
  'toStrictEqual',
  'toMatchObject',
  'toContainEqual',
  'toHaveProperty',
  'toBeOneOf',
  'toMatchSnapshot',
  'toMatchInlineSnapshot',
  'toMatchFileSnapshot',
]);
/**
 * Decided by identity, typeof or truthiness: no getter, trap or `asymmetricMatch` of the received value is asked. But a
 * `toBe` that fails looks for a deep equality to name in its message, which would show the value what was expected:
 * that search gets a copy.
 */
// biome-ignore format: a word list, several to a line.
const IDENTITY = new Set([
  'toBe', 'toBeDefined', 'toBeUndefined', 'toBeNull', 'toBeTruthy', 'toBeFalsy', 'toBeNaN', 'toBeTypeOf',
]);
const THROW = new Set(['toThrow', 'toThrowError', 'toThrowErrorMatchingSnapshot', 'toThrowErrorMatchingInlineSnapshot']);
const wrapped = new WeakSet<Matcher>();

/** Wraps every matcher not wrapped yet; call again after `expect.extend` added or re-added some. */
export function guardMatchers(chai: ChaiLike): void {
  const proto = chai.Assertion.prototype as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(proto)) {
    if (!/^to[A-Z]|With$/.test(name)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(proto, name)!;
    const original = descriptor.value as Matcher | undefined;
    if (typeof original !== 'function' || wrapped.has(original) || !descriptor.configurable) continue;
    const guarded = guard(name, original, chai.util.flag);
    wrapped.add(guarded);
    Object.defineProperty(proto, name, { ...descriptor, value: guarded });
  }
}

function kindOf(name: string): Kind {
  if (COPY.has(name)) return 'copy';
  if (IDENTITY.has(name)) return 'identity';
  if (THROW.has(name)) return 'throw';
  if (name === 'toBeInstanceOf') return 'instance';
  return /With$/.test(name) ? 'spy' : 'inspect';
}

function guard(name: string, original: Matcher, flag: ChaiLike['util']['flag']): Matcher {
  const kind = kindOf(name);
  return function (this: object, ...args: unknown[]) {
    const received = flag(this, 'object');
    if (kind === 'copy') flag(this, 'object', materialize(received));
    else if (kind === 'spy') flag(this, 'object', isMock(received) ? standInSpy(received) : received);
    else if (kind === 'instance') refuseOwnInstanceCheck(args[0]);
    else if (kind === 'inspect') inspectReceived(received);
    else if (kind === 'identity' && name === 'toBe' && !Object.is(received, args[0])) flag(this, 'object', materialize(received));
    else if (kind === 'throw') return checkedThrow(this, received, args, original, flag);
    return Reflect.apply(original, this, args);
  };
}

/** `toThrow`: the thrown value is copied before the matcher sees it; an untrusted one fails the test afterwards. */
function checkedThrow(assertion: object, received: unknown, args: unknown[], original: Matcher, flag: ChaiLike['util']['flag']): unknown {
  refuseOwnInstanceCheck(args[0]);
  let untrusted: unknown;
  const copyOf = (thrown: unknown): unknown => {
    try {
      return materialize(thrown);
    } catch (error) {
      if (!(error instanceof UntrustedValueError)) throw error;
      untrusted = error;
      return new Error('(an untrusted value was thrown)');
    }
  };
  if (flag(assertion, 'promise') === 'rejects' || typeof received !== 'function') {
    flag(assertion, 'object', copyOf(received));
  } else {
    const call = received as (...callArgs: unknown[]) => unknown;
    flag(assertion, 'object', function (this: unknown, ...callArgs: unknown[]) {
      try {
        return Reflect.apply(call, this, callArgs);
      } catch (thrown) {
        throw copyOf(thrown);
      }
    });
  }
  let result: unknown;
  try {
    result = Reflect.apply(original, assertion, args);
  } finally {
    // biome-ignore lint/correctness/noUnsafeFinally: an untrusted thrown value fails the test whatever the matcher decided.
    if (untrusted) throw untrusted;
  }
  return result;
}

interface MockLike {
  _isMockFunction: true;
  getMockName(): string;
  mock: Record<string, unknown>;
}

function isMock(value: unknown): value is MockLike {
  return typeof value === 'function' && (value as Partial<MockLike>)._isMockFunction === true;
}

/** A spy that answers with copies of what the real one recorded: calls and results as they are now, read once. */
function standInSpy(spy: MockLike): MockLike {
  const recorded = spy.mock;
  const mock = {
    calls: materialize(recorded.calls),
    results: materialize(recorded.results),
    settledResults: materialize(recorded.settledResults),
    lastCall: materialize(recorded.lastCall),
    instances: recorded.instances,
    contexts: recorded.contexts,
    invocationCallOrder: recorded.invocationCallOrder,
  };
  const standIn = function standIn(): void {} as unknown as MockLike;
  Object.assign(standIn, { _isMockFunction: true, getMockName: () => spy.getMockName(), mock });
  return standIn;
}
