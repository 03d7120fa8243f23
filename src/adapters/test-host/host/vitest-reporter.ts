import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { Reporter, SerializedError, TestCase, TestModule, TestRunEndReason } from 'vitest/node';
import type { FileError, TestFailure, TestRunResult } from '../../../core/ports.js';

/** Longest message, expected, actual or source line kept per failure; the feedback to the model is shorter still. */
const FIELD_CHARS = 4_000;
/** Failures and file errors listed per result; the counts stay exact. */
const MAX_LISTED = 100;

type TestError = NonNullable<ReturnType<TestCase['result']>['errors']>[number];
// vitest/node does not export this type by name.
type UserConsoleLog = Parameters<NonNullable<Reporter['onUserConsoleLog']>>[0];

/** What one vitest run handed its reporters at the end. */
export interface RunOutcome {
  modules: ReadonlyArray<TestModule>;
  unhandledErrors: ReadonlyArray<SerializedError>;
}

/**
 * Collects what vitest reports for one run. `runTestFiles()` returns every module the instance ever ran,
 * while `onTestRunEnd` gets only this run's, so the reporter is the source of truth.
 */
export class RunCollector implements Reporter {
  private outcome: RunOutcome | undefined;

  constructor(private readonly log: (line: string) => void) {}

  /** Forgets the previous run's outcome. */
  reset(): void {
    this.outcome = undefined;
  }

  /** This run's outcome, or undefined when vitest never finished the run. */
  take(): RunOutcome | undefined {
    return this.outcome;
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>, _reason: TestRunEndReason): void {
    this.outcome = { modules, unhandledErrors };
  }

  onUserConsoleLog(log: UserConsoleLog): void {
    for (const line of log.content.replace(/\n$/, '').split('\n')) this.log(line);
  }
}

/**
 * Turns one run's outcome into the port's result for `files`, the absolute test files asked for: the run may have
 * held other callers' files too. Errors vitest could not tie to a test file count for every caller.
 */
export function summarize(outcome: RunOutcome, files: string[], root: string): TestRunResult {
  const result: TestRunResult = { collected: 0, passed: 0, failed: 0, skipped: 0, failures: [], fileErrors: [] };
  const wanted = new Set(files.map((file) => path.resolve(file)));
  const seen = new Set<string>();
  const sources = new SourceLines();
  for (const mod of outcome.modules) {
    const id = path.resolve(mod.moduleId);
    if (!wanted.has(id)) continue;
    seen.add(id);
    addModule(result, mod, root, sources);
  }
  for (const file of wanted) {
    if (!seen.has(file)) result.fileErrors.push({ file: relative(root, file), message: 'vitest did not run this test file' });
  }
  for (const error of outcome.unhandledErrors) {
    const owner = testPathOf(error);
    if (!owner || wanted.has(path.resolve(owner))) result.fileErrors.push(unhandledToFileError(error, root));
  }
  return capped(result);
}

/** Bounded in size, whatever the code under test throws or prints: the host's answer must stay small. */
function capped(result: TestRunResult): TestRunResult {
  const cut = (text: string | undefined) =>
    text !== undefined && text.length > FIELD_CHARS ? `${text.slice(0, FIELD_CHARS)}… (cut)` : text;
  const failures = result.failures.slice(0, MAX_LISTED).map((failure) => {
    const kept: TestFailure = { ...failure, name: cut(failure.name)!, message: cut(failure.message)! };
    for (const key of ['expected', 'actual', 'source'] as const) if (failure[key] !== undefined) kept[key] = cut(failure[key]);
    return kept;
  });
  const fileErrors = result.fileErrors.slice(0, MAX_LISTED).map((error) => ({ file: error.file, message: cut(error.message)! }));
  return { ...result, failures, fileErrors };
}

function addModule(result: TestRunResult, mod: TestModule, root: string, sources: SourceLines): void {
  const file = relative(root, mod.moduleId);
  for (const error of mod.errors()) result.fileErrors.push({ file, message: describeError(error) });
  for (const test of mod.children.allTests()) {
    result.collected++;
    const outcome = test.result();
    if (outcome.state === 'passed') result.passed++;
    else if (outcome.state === 'skipped') result.skipped++;
    else if (outcome.state === 'failed') {
      result.failed++;
      result.failures.push(toFailure(test, outcome.errors, file, sources));
    }
    // 'pending' means the run was cut short; such tests count only as collected.
  }
}

function toFailure(test: TestCase, errors: ReadonlyArray<TestError>, file: string, sources: SourceLines): TestFailure {
  const first = errors[0];
  const failure: TestFailure = { name: test.fullName, file, message: errors.map(describeError).join('\n') };
  if (!first) return failure;
  if (typeof first.expected === 'string') failure.expected = first.expected;
  if (typeof first.actual === 'string') failure.actual = first.actual;
  const frame = first.stacks?.find((s) => path.resolve(s.file) === path.resolve(test.module.moduleId));
  if (frame) {
    failure.line = frame.line;
    const source = sources.get(test.module.moduleId, frame.line);
    if (source !== undefined) failure.source = source;
  }
  return failure;
}

/** vitest tags errors it can attribute with the test file that was running when they were thrown. */
function testPathOf(error: SerializedError): string | undefined {
  return typeof error.VITEST_TEST_PATH === 'string' && error.VITEST_TEST_PATH ? error.VITEST_TEST_PATH : undefined;
}

function unhandledToFileError(error: SerializedError, root: string): FileError {
  const testPath = testPathOf(error);
  return { file: testPath ? relative(root, testPath) : '', message: describeError(error) };
}

/** `Name: message` without ANSI colour codes; vitest colours import and syntax errors. */
function describeError(error: SerializedError): string {
  const message = stripVTControlCharacters(typeof error.message === 'string' ? error.message : describeThrownValue(error));
  const name = typeof error.name === 'string' && error.name && !message.startsWith(error.name) ? error.name : '';
  return name ? `${name}: ${message}` : message;
}

/** A thrown non-Error object arrives as its own fields plus vitest's bookkeeping, with no message. */
function describeThrownValue(error: SerializedError): string {
  const fields = Object.entries(error).filter(([key]) => key !== 'stacks' && key !== 'stack' && !key.startsWith('VITEST_'));
  let json: string;
  try {
    json = JSON.stringify(Object.fromEntries(fields));
  } catch {
    json = '[object]';
  }
  return `thrown value: ${json}`;
}

function relative(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

/** Reads each test file at most once per run. */
class SourceLines {
  private readonly files = new Map<string, string[] | undefined>();

  get(file: string, line: number): string | undefined {
    if (!this.files.has(file)) this.files.set(file, readLines(file));
    const text = this.files.get(file)?.[line - 1];
    return text === undefined ? undefined : text.trim();
  }
}

function readLines(file: string): string[] | undefined {
  try {
    return readFileSync(file, 'utf8').split(/\r?\n/);
  } catch {
    return undefined;
  }
}
