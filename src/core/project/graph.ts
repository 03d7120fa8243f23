import type { Intent } from './intent.js';

/** Checks the intents as a set: unique modules, known `uses`, no cycles, tests that exist. One line per problem. */
export function validateIntentSet(intents: Intent[], fileExists: (path: string) => boolean): string[] {
  const errors: string[] = [];
  const byId = new Map(intents.map((intent) => [intent.id, intent]));
  const owners = new Map<string, Intent>();
  const allTests = new Set(intents.flatMap((intent) => [...intent.tests, ...intent.holdout]));
  for (const intent of intents) {
    const owner = owners.get(intent.module);
    if (owner) errors.push(`${intent.file}: key 'module' names ${intent.module}, which ${owner.file} already owns`);
    else owners.set(intent.module, intent);
    if (allTests.has(intent.module))
      errors.push(`${intent.file}: key 'module' names ${intent.module}, which is a test file of another intent`);
    for (const used of intent.uses) {
      if (used === intent.id) errors.push(`${intent.file}: key 'uses' names the intent itself ('${used}')`);
      else if (!byId.has(used)) errors.push(`${intent.file}: key 'uses' names '${used}', but there is no intents/${used}.intent.md`);
    }
    for (const test of intent.tests) {
      if (!fileExists(test)) errors.push(`${intent.file}: key 'tests' names ${test}, which does not exist`);
    }
    for (const test of intent.holdout) {
      if (!fileExists(test)) errors.push(`${intent.file}: key 'holdout' names ${test}, which does not exist`);
    }
  }
  const cycle = findCycle(intents);
  if (cycle) {
    const first = byId.get(cycle[0]!)!;
    errors.push(`${first.file}: key 'uses' forms a cycle: ${cycle.join(' -> ')}`);
  }
  return errors;
}

/** Intents in dependency order (what an intent uses comes first); ties keep id order, so runs are reproducible. */
export function orderIntents(intents: Intent[]): Intent[] {
  const byId = new Map(intents.map((intent) => [intent.id, intent]));
  const ordered: Intent[] = [];
  const done = new Set<string>();
  const visit = (intent: Intent): void => {
    if (done.has(intent.id)) return;
    done.add(intent.id);
    for (const used of [...intent.uses].sort()) {
      const dependency = byId.get(used);
      if (dependency) visit(dependency);
    }
    ordered.push(intent);
  };
  for (const intent of [...intents].sort(compareIds)) visit(intent);
  return ordered;
}

/** Every intent that depends on `id`, directly or through others. */
export function dependentsOf(id: string, intents: Intent[]): Set<string> {
  const found = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const intent of intents) {
      if (found.has(intent.id)) continue;
      if (intent.uses.some((used) => used === id || found.has(used))) {
        found.add(intent.id);
        grew = true;
      }
    }
  }
  return found;
}

/** The first `uses` cycle found, as ids from its start back to its start; undefined when there is none. */
export function findCycle(intents: Intent[]): string[] | undefined {
  const byId = new Map(intents.map((intent) => [intent.id, intent]));
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'active') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'active');
    stack.push(id);
    for (const used of byId.get(id)?.uses ?? []) {
      // Self-use is reported on its own by validateIntentSet; as a cycle it would be the same problem twice.
      if (used === id || !byId.has(used)) continue;
      const cycle = visit(used);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const intent of [...intents].sort(compareIds)) {
    const cycle = visit(intent.id);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Code-point order of ids: reproducible everywhere, and free of the ICU collator localeCompare loads on first use. */
function compareIds(a: Intent, b: Intent): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
