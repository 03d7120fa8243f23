import type { TypeChecker, TypeProblem } from '../../core/ports.js';
import { RepoProject, type CheckOutcome, type CheckRequest } from './repo-project.js';

/** One check asked for and not yet run. */
interface PendingCheck extends CheckRequest {
  resolve: (problems: TypeProblem[]) => void;
  reject: (error: unknown) => void;
}

/**
 * A TypeChecker for the repo at `root` (absolute). Checks asked for in the same turn of the event loop (intents built
 * in parallel whose replies arrived together) share one program: creating a program is most of a check's cost, its
 * diagnostics for one more module a few ms. Each check runs first without the ambient types (@types/node): most
 * generated modules never touch Node's API, and such a check costs a third. Only when that check finds a problem a
 * missing declaration could cause, or cannot vouch for what the module imports, does the full check decide (see
 * RepoProject).
 */
export function createTsChecker(options: { root: string }): TypeChecker {
  const lean = new RepoProject(options.root, true);
  const full = new RepoProject(options.root);
  /** Modules the lean check could not decide; their next checks go straight to the full one. */
  const needFull = new Set<string>();
  let pending: PendingCheck[] = [];
  const runPending = () => {
    const batch = pending;
    pending = [];
    for (const group of distinctModules(batch)) {
      // A repo whose libraries the ambient types overload (the DOM) never gets a conclusive lean check: skip it.
      const outcomes = lean.unsound
        ? new Map<PendingCheck, CheckOutcome>()
        : checkGroup(
            lean,
            group.filter((call) => !needFull.has(call.modulePath)),
          );
      // A lean check that failed outright is left to the full one too; only an inconclusive one says much about the module.
      const undecided = group.filter((call) => {
        const outcome = outcomes.get(call);
        return !outcome || 'error' in outcome || !outcome.conclusive;
      });
      for (const call of undecided) {
        const outcome = outcomes.get(call);
        if (outcome && 'problems' in outcome) needFull.add(call.modulePath);
      }
      const decided = checkGroup(full, undecided);
      group.forEach((call) => {
        const outcome = decided.get(call) ?? outcomes.get(call)!;
        if ('error' in outcome) call.reject(outcome.error);
        else call.resolve(outcome.problems);
      });
    }
  };
  return {
    check(modulePath, code, requiredExports) {
      return new Promise((resolve, reject) => {
        if (pending.length === 0) setImmediate(runPending);
        pending.push({ modulePath, code, requiredExports, resolve, reject });
      });
    },
    async extractApi(modulePath) {
      return full.extractApi(modulePath);
    },
  };
}

function checkGroup(repo: RepoProject, group: PendingCheck[]): Map<PendingCheck, CheckOutcome> {
  if (group.length === 0) return new Map();
  let outcomes: CheckOutcome[];
  try {
    outcomes = repo.checkAll(group);
  } catch (error) {
    outcomes = group.map(() => ({ error }));
  }
  return new Map(group.map((call, i) => [call, outcomes[i]!]));
}

/** Splits checks so no module is in a group twice (two candidates of one module cannot share a program). */
function distinctModules(checks: PendingCheck[]): PendingCheck[][] {
  const groups: PendingCheck[][] = [];
  for (const check of checks) {
    const group = groups.find((candidate) => !candidate.some((other) => other.modulePath === check.modulePath));
    if (group) group.push(check);
    else groups.push([check]);
  }
  return groups;
}
