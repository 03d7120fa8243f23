import { dependentsOf } from '../project/graph.js';
import type { Intent } from '../project/intent.js';

/**
 * Intents whose intent file, tests, holdout tests or own module changed, plus every intent that (transitively) uses
 * the module of one whose module changed. Returns ids in the given order.
 */
export function intentsTouchedBy(changed: readonly string[], intents: readonly Intent[]): string[] {
  const paths = new Set(changed.map(normalizePath));
  const touched = new Set<string>();
  for (const intent of intents) {
    if (ownPaths(intent).some((path) => paths.has(path))) touched.add(intent.id);
    // A hand edit to a module changes the API its users were built against, so they are rebuilt too.
    if (paths.has(intent.module)) {
      for (const id of dependentsOf(intent.id, [...intents])) touched.add(id);
    }
  }
  return intents.filter((intent) => touched.has(intent.id)).map((intent) => intent.id);
}

/** The files that make up one intent: its Markdown, its module and the tests that judge it. */
function ownPaths(intent: Intent): string[] {
  return [intent.file, intent.module, ...intent.tests, ...intent.holdout];
}

/** Git and the OS may spell the same path `./src\\a.ts`; intents always say `src/a.ts`. */
function normalizePath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}

/** What a `--changed`/`--staged` build takes on: the touched intents, everything that uses them, and what those use. */
export function selectForBuild(changed: readonly string[], intents: readonly Intent[]): Intent[] {
  const chosen = new Set(intentsTouchedBy(changed, intents));
  for (const id of [...chosen]) for (const dependent of dependentsOf(id, [...intents])) chosen.add(dependent);
  return withWhatTheyUse(chosen, intents);
}

/** The shard (1-based) that owns an intent: a hash of its id, so adding an intent never moves the others. */
function shardOf(id: string, count: number): number {
  let hash = 2166136261; // FNV-1a: small, stable across platforms and Node versions
  for (const char of id) hash = Math.imul(hash ^ char.codePointAt(0)!, 16777619) >>> 0;
  return (hash % count) + 1;
}

/** What shard `index` of `count` builds: the intents it owns plus everything they use (built or replayed again). */
export function selectShard(intents: readonly Intent[], index: number, count: number): { owned: string[]; build: Intent[] } {
  const owned = intents.filter((intent) => shardOf(intent.id, count) === index).map((intent) => intent.id);
  return { owned, build: withWhatTheyUse(new Set(owned), intents) };
}

/**
 * The intents named by id plus everything they use, transitively, in the given (dependency) order; `unknown` lists
 * the ids no intent has, in the order given.
 */
export function selectByIds(ids: readonly string[], intents: readonly Intent[]): { intents: Intent[]; unknown: string[] } {
  const known = new Set(intents.map((intent) => intent.id));
  const unknown = [...new Set(ids.filter((id) => !known.has(id)))];
  return { intents: withWhatTheyUse(new Set(ids.filter((id) => known.has(id))), intents), unknown };
}

/** The chosen intents plus everything they use, transitively, in the given (dependency) order. */
function withWhatTheyUse(chosen: ReadonlySet<string>, intents: readonly Intent[]): Intent[] {
  const byId = new Map(intents.map((intent) => [intent.id, intent]));
  const all = new Set(chosen);
  const pending = [...chosen];
  while (pending.length > 0) {
    for (const used of byId.get(pending.pop()!)?.uses ?? []) {
      if (!all.has(used)) {
        all.add(used);
        pending.push(used);
      }
    }
  }
  return intents.filter((intent) => all.has(intent.id));
}
