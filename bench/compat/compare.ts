// Compares the outcomes of the modes test by test: which tests pass in the more permissive mode and fail (or never
// run) in the stricter one, with the stricter mode's message, grouped by cause.
import type { TestRunResult } from '../../src/core/ports.js';
import type { Mode } from './modes.js';

/** One exercise's tests in one mode. */
export interface ModeOutcome {
  collected: number;
  passed: number;
  failed: number;
  skipped: number;
  ms: number;
  failures: Array<{ name: string; message: string }>;
  fileErrors: string[];
}

/** One exercise in every mode that ran. */
export interface ExerciseRecord {
  slug: string;
  imports: string[];
  modes: Partial<Record<Mode, ModeOutcome>>;
}

/** A test that passed in the reference mode and not in the compared one. */
export interface Regression {
  slug: string;
  test: string;
  message: string;
  cause: string;
}

export function toOutcome(result: TestRunResult, ms: number): ModeOutcome {
  return {
    collected: result.collected,
    passed: result.passed,
    failed: result.failed,
    skipped: result.skipped,
    ms: Math.round(ms),
    failures: result.failures.map((failure) => ({ name: failure.name, message: failure.message })),
    fileErrors: result.fileErrors.map((error) => error.message),
  };
}

/** Tests that pass in `reference` but fail, or are not collected, in `compared`. */
export function regressions(records: ExerciseRecord[], compared: Mode, reference: Mode): Regression[] {
  const found: Regression[] = [];
  for (const record of records) {
    const strict = record.modes[compared];
    const loose = record.modes[reference];
    if (!strict || !loose) continue;
    const looseFailures = countNames(loose.failures.map((failure) => failure.name));
    for (const failure of strict.failures) {
      const left = looseFailures.get(failure.name) ?? 0;
      if (left > 0) looseFailures.set(failure.name, left - 1);
      else found.push({ slug: record.slug, test: failure.name, message: failure.message, cause: causeOf(failure.message) });
    }
    // Fewer tests collected: the file failed to load (or a describe threw) in the stricter mode.
    const unseen = Math.min(loose.passed, loose.collected - strict.collected);
    const message = strict.fileErrors.join('\n') || 'not collected';
    for (let i = 0; i < unseen; i++) found.push({ slug: record.slug, test: `(not collected #${i + 1})`, message, cause: causeOf(message) });
  }
  return found;
}

function countNames(names: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

/** Known causes, recognised by message; first match wins. */
const CAUSES: Array<[RegExp, string]> = [
  [
    /SES_IMPORT_REJECTED|SES_HTML_COMMENT_REJECTED|SES_EVAL_REJECTED/,
    'SES rejects the source text (import( / eval( / HTML comment, even in a string)',
  ],
  [/holds a Proxy made by the module/, 'a Proxy the module made, refused by a matcher that does not copy'],
  [/defines Symbol\.hasInstance/, 'Symbol.hasInstance refused'],
  [/a value must not take part in judging itself/, 'received-value guard (received.ts)'],
  [/Cannot redefine property: \w+/, "harden() of a granted built-in's module namespace (confine.ts)"],
  [
    /Cannot assign to read only property '(?:_events|_read|_write|Symbol\(kCapture\))'/,
    'EventEmitter and stream prototypes, frozen when events, crypto or zlib is granted (confine.ts)',
  ],
  [
    /Cannot read private member|Receiver must be an instance of class/,
    'getter over a private field or internal slot run on the matcher copy (received.ts)',
  ],
  [
    /Cannot (?:assign to read only property|add property|define property|redefine property)|object is not extensible/i,
    'frozen built-in (lockdown)',
  ],
  [
    /is not defined|Cannot read properties of undefined \(reading '(?:env|argv|cwd|platform|versions)'\)|'undefined\//,
    'a global the compartment lacks (SES reads it as undefined)',
  ],
  [/Test timed out/, 'timeout'],
  [/ainative runtime guard/, 'runtime guard tripwire'],
];

/** A short label for what caused `message`; unknown messages group by their first line with numbers blanked. */
function causeOf(message: string): string {
  for (const [pattern, cause] of CAUSES) if (pattern.test(message)) return cause;
  const first = message.split('\n')[0]!.replace(/\d+/g, 'N');
  return `other: ${first.length > 120 ? `${first.slice(0, 120)}…` : first}`;
}

/** Regressions grouped by cause, biggest group first, with the exercises each group hit. */
export function groupByCause(found: Regression[]): Array<{ cause: string; tests: number; exercises: string[]; example: Regression }> {
  const groups = new Map<string, Regression[]>();
  for (const regression of found) groups.set(regression.cause, [...(groups.get(regression.cause) ?? []), regression]);
  return [...groups]
    .map(([cause, list]) => ({ cause, tests: list.length, exercises: [...new Set(list.map((r) => r.slug))], example: list[0]! }))
    .sort((a, b) => b.tests - a.tests);
}
