import { describe, expect, it } from 'vitest';
import { recordConfinedProxy } from './provenance.js';
import { inspectReceived, materialize, refuseOwnInstanceCheck, UntrustedValueError } from './received.js';

const MATCHER = ['asymmetric', 'Match'].join('');

describe('received values', () => {
  it.each([
    ['an own matcher method', () => ({ [MATCHER]: () => true })],
    ['an inherited matcher method', () => Object.create({ [MATCHER]: () => true })],
    ['a matcher getter', () => Object.defineProperty({}, MATCHER, { get: () => () => true })],
    ['a $$typeof marker', () => ({ $$typeof: Symbol.for('jest.asymmetricMatcher') })],
    ['a matcher deep inside', () => ({ list: [new Map([['k', new Set([{ [MATCHER]: () => true }])]])] })],
  ])('refuses %s, when inspected and when copied', (_kind, make) => {
    expect(() => inspectReceived(make())).toThrow(UntrustedValueError);
    expect(() => materialize(make())).toThrow(UntrustedValueError);
  });

  it('refuses a proxy the module made, and lets a test-made one be inspected', () => {
    expect(() => inspectReceived({ nested: recordConfinedProxy(new Proxy({}, {})) })).toThrow(/Proxy made by the module/);
    expect(() => inspectReceived(new Proxy({ a: 1 }, {}))).not.toThrow();
  });

  it('copies a getter that would change its answer as the value it gave the first time', () => {
    let reads = 0;
    const lying = {
      get left() {
        reads++;
        return reads > 1 ? { [MATCHER]: () => true } : 1;
      },
    };
    const copy = materialize(lying) as { left: unknown };
    expect(copy.left).toBe(1);
    expect(copy.left).toBe(1);
    expect(reads).toBe(1);
  });

  it('copies a proxy through its traps once, so it cannot lie to the comparison later', () => {
    let asked = 0;
    const proxy = new Proxy({ left: 1 }, { get: (target, key) => (asked++ > 0 ? { [MATCHER]: () => true } : Reflect.get(target, key)) });
    const copy = materialize(proxy) as { left: unknown };
    expect(copy).toEqual({ left: 1 });
  });

  it('keeps what equality looks at: prototypes, arrays with holes, maps, sets, dates, errors and replayed iteration', () => {
    class Money {
      constructor(readonly cents: number) {}
    }
    class Bag {
      #items = [1, 2];
      *[Symbol.iterator]() {
        yield* this.#items;
      }
    }
    // biome-ignore lint/suspicious/noSparseArray: the hole is what is being copied.
    const sparse = [1, , 3];
    const value = {
      money: new Money(5),
      sparse,
      map: new Map([[{ k: 1 }, 'v']]),
      set: new Set([1]),
      at: new Date(7),
      error: new RangeError('bad'),
      bag: new Bag(),
    };
    const copy = materialize(value) as typeof value;
    expect(copy).not.toBe(value);
    expect(copy.money).toBeInstanceOf(Money);
    expect(copy).toStrictEqual({ ...value, bag: copy.bag });
    expect(1 in copy.sparse).toBe(false);
    expect(copy.error).toBeInstanceOf(RangeError);
    expect(copy.error.message).toBe('bad');
    expect([...copy.bag]).toEqual([1, 2]);
  });

  it("reads a class's getters on the original, once, so private fields and URL internals still answer", () => {
    let reads = 0;
    class Stack {
      #items = [1, 2];
      get size(): number {
        reads++;
        return this.#items.length;
      }
    }
    const copy = materialize({ stack: new Stack(), url: new URL('https://example.com/a?b=1') }) as { stack: Stack; url: URL };
    expect(copy.stack.size).toBe(2);
    expect(copy.stack.size).toBe(2);
    expect(reads).toBe(1);
    expect(copy.url.pathname).toBe('/a');
    expect(copy.url).toEqual(new URL('https://example.com/a?b=1'));
    expect(copy.stack).toBeInstanceOf(Stack);
  });

  it('keeps buffers, typed arrays and promises as they are, getters of their built-in prototypes included', () => {
    const kept = [Buffer.from('ab'), new Uint16Array(2), Promise.resolve(1), new DataView(new ArrayBuffer(2))];
    for (const value of kept) expect(materialize(value)).toBe(value);
  });

  it('refuses a matcher that a getter of the class hands out', () => {
    class Sly {
      get inner(): unknown {
        return { [MATCHER]: () => true };
      }
    }
    const copy = materialize(new Sly()) as Sly;
    expect(() => copy.inner).toThrow(UntrustedValueError);
  });

  it('refuses an expected class that answers instanceof itself', () => {
    // biome-ignore lint/complexity/noStaticOnlyClass: the class under test is one whose only member is static.
    class Lenient {
      static [Symbol.hasInstance]() {
        return true;
      }
    }
    expect(() => refuseOwnInstanceCheck(Lenient)).toThrow(/defines Symbol.hasInstance/);
    expect(() => refuseOwnInstanceCheck(RangeError)).not.toThrow();
  });
});
