import type { TestRunResult } from '../ports.js';

// Markers with which a human test file itself skips, focuses or conditions tests; only then may a run skip any.
const SKIP_MARKERS =
  /\b(?:it|test|describe|suite|bench)\s*\.\s*(?:skip|todo|only|skipIf|runIf|fails)\b|\bx(?:it|test|describe)\s*\(|\.concurrent\.skip\b/;

/** Whether the pristine test files skip or focus tests on their own. */
export function testsDeclareSkips(sources: readonly string[]): boolean {
  return sources.some((source) => SKIP_MARKERS.test(source));
}

/** Why a run does not count even though no test failed: tests missing, skipped or never collected. Undefined when it counts. */
export function countProblem(result: TestRunResult, baseline: number | undefined, skipsDeclared: boolean): string | undefined {
  if (result.collected === 0 && result.fileErrors.length === 0) return 'No test ran: the test files collected zero tests.';
  if (baseline !== undefined && result.collected < baseline) {
    return `Only ${result.collected} of the ${baseline} tests in the test files were collected; every test must run and pass.`;
  }
  if (result.skipped > 0 && !skipsDeclared) {
    return `${result.skipped} test(s) were skipped although the test files skip none; every test must run and pass.`;
  }
  return undefined;
}
