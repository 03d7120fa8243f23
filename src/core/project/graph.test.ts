import { describe, expect, it } from 'vitest';
import { dependentsOf, findCycle, orderIntents, validateIntentSet } from './graph.js';
import { makeIntent } from '../testing/fakes.js';

const allExist = (): boolean => true;

describe('validateIntentSet', () => {
  it('accepts a consistent set', () => {
    const intents = [makeIntent('a'), makeIntent('b', { uses: ['a'] })];
    expect(validateIntentSet(intents, allExist)).toEqual([]);
  });

  it('reports two intents owning one module, naming both files', () => {
    const errors = validateIntentSet([makeIntent('a'), makeIntent('b', { module: 'src/a.ts' })], allExist);
    expect(errors).toEqual(["intents/b.intent.md: key 'module' names src/a.ts, which intents/a.intent.md already owns"]);
  });

  it("reports a module that is another intent's test file", () => {
    const intents = [makeIntent('a', { tests: ['test/a.test.ts', 'test/shared.ts'] }), makeIntent('b', { module: 'test/shared.ts' })];
    const errors = validateIntentSet(intents, allExist);
    expect(errors).toEqual([expect.stringMatching(/^intents\/b\.intent\.md: key 'module' .*test file/)]);
  });

  it('reports an unknown uses id', () => {
    const errors = validateIntentSet([makeIntent('a', { uses: ['nope'] })], allExist);
    expect(errors).toEqual(["intents/a.intent.md: key 'uses' names 'nope', but there is no intents/nope.intent.md"]);
  });

  it('reports an intent that uses itself once, not also as a cycle', () => {
    const errors = validateIntentSet([makeIntent('a', { uses: ['a'] })], allExist);
    expect(errors).toEqual(["intents/a.intent.md: key 'uses' names the intent itself ('a')"]);
  });

  it('reports test files that do not exist, asking the callback', () => {
    const asked: string[] = [];
    const intents = [makeIntent('a', { tests: ['test/a.test.ts', 'test/a-more.test.ts'] })];
    const errors = validateIntentSet(intents, (path) => {
      asked.push(path);
      return path === 'test/a.test.ts';
    });
    expect(asked).toEqual(['test/a.test.ts', 'test/a-more.test.ts']);
    expect(errors).toEqual(["intents/a.intent.md: key 'tests' names test/a-more.test.ts, which does not exist"]);
  });

  it('reports a cycle with its path', () => {
    const errors = validateIntentSet([makeIntent('b', { uses: ['a'] }), makeIntent('a', { uses: ['b'] })], allExist);
    expect(errors).toEqual(["intents/a.intent.md: key 'uses' forms a cycle: a -> b -> a"]);
  });
});

describe('findCycle', () => {
  it('finds a longer cycle and ignores the acyclic rest', () => {
    const intents = [
      makeIntent('root'),
      makeIntent('x', { uses: ['root', 'y'] }),
      makeIntent('y', { uses: ['z'] }),
      makeIntent('z', { uses: ['x'] }),
    ];
    expect(findCycle(intents)).toEqual(['x', 'y', 'z', 'x']);
    expect(findCycle(intents.slice(0, 3))).toBeUndefined();
  });
});

describe('orderIntents', () => {
  const intents = [
    makeIntent('app', { uses: ['session', 'db'] }),
    makeIntent('session', { uses: ['db'] }),
    makeIntent('db'),
    makeIntent('util'),
  ];

  it('puts what an intent uses before it', () => {
    const order = orderIntents(intents).map((intent) => intent.id);
    expect(order.indexOf('db')).toBeLessThan(order.indexOf('session'));
    expect(order.indexOf('session')).toBeLessThan(order.indexOf('app'));
    expect(order).toHaveLength(4);
  });

  it('gives the same order whatever order the intents were found in', () => {
    const expected = orderIntents(intents).map((intent) => intent.id);
    expect(expected).toEqual(['db', 'session', 'app', 'util']);
    const reversed = orderIntents([...intents].reverse()).map((intent) => intent.id);
    const rotated = orderIntents([...intents.slice(2), ...intents.slice(0, 2)]).map((intent) => intent.id);
    expect(reversed).toEqual(expected);
    expect(rotated).toEqual(expected);
  });
});

describe('dependentsOf', () => {
  it('returns direct and transitive dependents only', () => {
    const intents = [
      makeIntent('c', { uses: ['b'] }),
      makeIntent('b', { uses: ['a'] }),
      makeIntent('a'),
      makeIntent('d', { uses: ['e'] }),
      makeIntent('e'),
    ];
    expect(dependentsOf('a', intents)).toEqual(new Set(['b', 'c']));
    expect(dependentsOf('c', intents)).toEqual(new Set());
  });
});
