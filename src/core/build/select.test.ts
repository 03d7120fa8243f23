import { describe, expect, it } from 'vitest';
import { intentsTouchedBy, selectByIds, selectForBuild, selectShard } from './select.js';
import { makeIntent } from '../testing/fakes.js';

// base <- mid <- top, plus an unrelated intent and one with holdout tests.
const intents = [
  makeIntent('top', { uses: ['mid'] }),
  makeIntent('base'),
  makeIntent('other', { holdout: ['test/hidden/other.test.ts'] }),
  makeIntent('mid', { uses: ['base'] }),
];

describe('intentsTouchedBy', () => {
  it('selects the intent whose intent file changed, and no users of it', () => {
    expect(intentsTouchedBy(['intents/base.intent.md'], intents)).toEqual(['base']);
  });

  it('selects the intent whose test changed', () => {
    expect(intentsTouchedBy(['test/mid.test.ts'], intents)).toEqual(['mid']);
  });

  it('selects the intent whose holdout test changed', () => {
    expect(intentsTouchedBy(['test/hidden/other.test.ts'], intents)).toEqual(['other']);
  });

  it('selects an intent whose module changed and everything using it transitively, in the given order', () => {
    expect(intentsTouchedBy(['src/base.ts'], intents)).toEqual(['top', 'base', 'mid']);
    expect(intentsTouchedBy(['src/mid.ts'], intents)).toEqual(['top', 'mid']);
    expect(intentsTouchedBy(['src/top.ts'], intents)).toEqual(['top']);
  });

  it('selects nothing for unrelated files', () => {
    expect(intentsTouchedBy(['README.md', 'src/helpers.ts', 'test/helpers.ts'], intents)).toEqual([]);
    expect(intentsTouchedBy([], intents)).toEqual([]);
  });

  it('selects every intent that shares a changed test file', () => {
    const shared = [makeIntent('a', { tests: ['test/shared.test.ts'] }), makeIntent('b', { tests: ['test/shared.test.ts'] })];
    expect(intentsTouchedBy(['test/shared.test.ts'], shared)).toEqual(['a', 'b']);
  });

  it('accepts ./ and backslash spellings of a path', () => {
    expect(intentsTouchedBy(['./test\\mid.test.ts'], intents)).toEqual(['mid']);
  });

  it('unions several changes without duplicates', () => {
    expect(intentsTouchedBy(['src/mid.ts', 'intents/top.intent.md', 'test/other.test.ts'], intents)).toEqual(['top', 'other', 'mid']);
  });
});

describe('selectForBuild', () => {
  it('takes the touched intent, what uses it and what it uses, and nothing else', () => {
    const base = makeIntent('base');
    const mid = makeIntent('mid', { uses: ['base'] });
    const top = makeIntent('top', { uses: ['mid'] });
    const other = makeIntent('other');
    const chosen = selectForBuild(['intents/mid.intent.md'], [base, mid, top, other]).map((intent) => intent.id);
    expect(chosen).toEqual(['base', 'mid', 'top']);
  });

  it('takes nothing for a change no intent owns', () => {
    expect(selectForBuild(['README.md'], [makeIntent('a')])).toEqual([]);
  });
});

describe('selectShard', () => {
  const many = Array.from({ length: 60 }, (_, i) => makeIntent(`intent-${i}`, { uses: i >= 10 ? [`intent-${i % 10}`] : [] }));

  it('gives every intent to exactly one shard', () => {
    for (const count of [1, 2, 3, 7]) {
      const owned = Array.from({ length: count }, (_, i) => selectShard(many, i + 1, count).owned).flat();
      expect(owned.sort()).toEqual(many.map((intent) => intent.id).sort());
    }
  });

  it('builds what a shard owns together with everything that uses, and keeps dependency order', () => {
    const { owned, build } = selectShard(many, 2, 3);
    const ids = build.map((intent) => intent.id);
    for (const id of owned) {
      const intent = many.find((candidate) => candidate.id === id)!;
      for (const used of intent.uses) expect(ids.indexOf(used)).toBeLessThan(ids.indexOf(id));
    }
  });
});

describe('selectByIds', () => {
  const base = makeIntent('base');
  const mid = makeIntent('mid', { uses: ['base'] });
  const top = makeIntent('top', { uses: ['mid'] });
  const other = makeIntent('other');
  const all = [base, mid, other, top];

  it('takes the named intents and what they use, transitively, in dependency order', () => {
    expect(selectByIds(['top'], all)).toEqual({ intents: [base, mid, top], unknown: [] });
    expect(selectByIds(['other', 'mid'], all).intents.map((intent) => intent.id)).toEqual(['base', 'mid', 'other']);
  });

  it('names the ids no intent has', () => {
    expect(selectByIds(['top', 'nope', 'nope', 'gone'], all).unknown).toEqual(['nope', 'gone']);
  });
});
