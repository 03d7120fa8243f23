import type { TestFailure, TestRunResult, TypeProblem } from '../ports.js';

/** Size caps that keep a flood of test output from blowing the model's context. */
export const FEEDBACK_LIMITS = {
  totalChars: 8_000,
  messageChars: 600,
  valueChars: 400,
  failures: 12,
  typeProblems: 15,
};

/** Why an attempt failed, as the loop knows it. */
export interface AttemptFailure {
  /** The reply itself was unusable (no block, wrong path, cut off, refused). */
  replyProblem?: string;
  /** Why a run that reached the tests still did not count (tampering, missing or skipped tests, unsafe code). */
  note?: string;
  typeProblems: TypeProblem[];
  /** Static guard findings: code that would game the tests or reach outside the module's job. */
  unsafe?: TypeProblem[];
  tests?: TestRunResult;
  modulePath: string;
}

// ESC/CSI sequences and other C0 controls that terminals interpret; kept here so the core stays free of node:util.
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/** Removes terminal escape codes. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** Turns one failed attempt into the feedback the model reads next: structured, de-duplicated, ANSI-free, capped. */
export function summarizeFailures(failure: AttemptFailure): string {
  const sections: string[] = [];
  if (failure.replyProblem)
    sections.push(`Your reply could not be used: ${clip(clean(failure.replyProblem), FEEDBACK_LIMITS.messageChars)}`);
  if (failure.note) sections.push(clip(clean(failure.note), FEEDBACK_LIMITS.messageChars));
  if (failure.unsafe?.length) sections.push(summarizeTypeProblems(`Unsafe code in ${failure.modulePath}`, failure.unsafe));
  if (failure.typeProblems.length > 0) sections.push(summarizeTypeProblems(`Type errors in ${failure.modulePath}`, failure.typeProblems));
  if (failure.tests) sections.push(...summarizeTests(failure.tests));
  const text = sections.join('\n\n');
  if (text.length <= FEEDBACK_LIMITS.totalChars) return text;
  return `${text.slice(0, FEEDBACK_LIMITS.totalChars)}\n[feedback truncated: ${text.length - FEEDBACK_LIMITS.totalChars} more characters]`;
}

function summarizeTypeProblems(title: string, problems: TypeProblem[]): string {
  const unique = dedupe(
    problems.map(
      (problem) => `${problem.line ? `line ${problem.line}: ` : ''}${clip(clean(problem.message), FEEDBACK_LIMITS.messageChars)}`,
    ),
  );
  const shown = unique.slice(0, FEEDBACK_LIMITS.typeProblems).map((line) => `- ${line}`);
  if (unique.length > shown.length) shown.push(`- ... and ${unique.length - shown.length} more`);
  return `${title} (${unique.length}):\n${shown.join('\n')}`;
}

function summarizeTests(result: TestRunResult): string[] {
  const sections: string[] = [];
  if (result.fileErrors.length > 0) {
    const lines = dedupe(
      result.fileErrors.map((error) => `- ${error.file || '(no file)'}: ${clip(clean(error.message), FEEDBACK_LIMITS.messageChars)}`),
    );
    sections.push(`Errors that stopped test files from running (${lines.length}):\n${lines.slice(0, FEEDBACK_LIMITS.failures).join('\n')}`);
  }
  if (result.failures.length > 0) {
    const groups = groupFailures(result.failures);
    const total = result.passed + result.failed;
    const shown = groups.slice(0, FEEDBACK_LIMITS.failures).map((group, index) => describeGroup(index + 1, group));
    if (groups.length > shown.length) shown.push(`... and ${groups.length - shown.length} more distinct failures`);
    sections.push(`Failing tests (${result.failed} of ${total}):\n${shown.join('\n')}`);
  }
  return sections;
}

/** Failures with the same message, expected and actual are one problem seen in several tests. */
function groupFailures(failures: TestFailure[]): TestFailure[][] {
  const groups = new Map<string, TestFailure[]>();
  for (const failure of failures) {
    const key = [clean(failure.message), failure.expected ?? '', failure.actual ?? ''].join('\0');
    const group = groups.get(key);
    if (group) group.push(failure);
    else groups.set(key, [failure]);
  }
  return [...groups.values()];
}

function describeGroup(number: number, group: TestFailure[]): string {
  const first = group[0]!;
  const where = first.line ? `${first.file}:${first.line}` : first.file;
  const lines = [`${number}. ${clean(first.name)} (${where})`];
  if (first.source) lines.push(`   at: ${clip(clean(first.source), FEEDBACK_LIMITS.messageChars)}`);
  lines.push(`   ${indent(clip(clean(first.message), FEEDBACK_LIMITS.messageChars))}`);
  if (first.expected !== undefined) lines.push(`   expected: ${indent(clip(clean(first.expected), FEEDBACK_LIMITS.valueChars))}`);
  if (first.actual !== undefined) lines.push(`   actual:   ${indent(clip(clean(first.actual), FEEDBACK_LIMITS.valueChars))}`);
  if (group.length > 1) {
    const names = group.slice(1, 6).map((failure) => clean(failure.name));
    const more = group.length - 1 - names.length;
    lines.push(`   same failure in ${group.length - 1} more: ${names.join('; ')}${more > 0 ? `; and ${more} more` : ''}`);
  }
  return lines.join('\n');
}

function clean(text: string): string {
  return stripAnsi(text)
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .trimEnd();
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}... [${text.length - max} more characters]`;
}

function indent(text: string): string {
  return text.replace(/\n/g, '\n   ');
}

function dedupe(lines: string[]): string[] {
  return [...new Set(lines)];
}
