import { errorLine, readFrontmatter } from './frontmatter.js';
import { checkRepoPath } from './intent.js';

/** Where a bug stands: `open` until fixed; `unreproduced` when no failing regression test could be written. */
export type BugStatus = 'open' | 'unreproduced' | 'fixed';

/** One bug report, `bugs/<date>-<slug>.md`: frontmatter naming the intent, then the report as written. */
export interface Bug {
  /** Repo-relative path of the bug file. */
  file: string;
  intent: string;
  status: BugStatus;
  /** YYYY-MM-DD. */
  created: string;
  /** Where it was reported, e.g. an issue URL or `#12`. */
  source?: string;
  regressionTest?: string;
  moduleHash?: string;
  note?: string;
  body: string;
}

export type ParseBugResult = { ok: true; bug: Bug } | { ok: false; error: string };

/** Folder of bug reports, relative to the project root. */
export const BUGS_DIR = 'bugs';
/** Folder of the regression tests written from bug reports. */
export const REGRESSIONS_DIR = 'test/regressions';

const STATUSES: readonly BugStatus[] = ['open', 'unreproduced', 'fixed'];
// Also the order serializeBug writes them in, so diffs of bug files stay small.
const KEYS = ['intent', 'status', 'created', 'source', 'regressionTest', 'moduleHash', 'note'] as const;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INTENT_ID = /^[A-Za-z0-9][\w.-]*$/;

/** ASCII lowercase words joined by '-', cut at a word boundary within maxLength; 'bug' when nothing is left. */
export function slugify(text: string, maxLength = 50): string {
  // NFKD splits 'é' into 'e' + a combining accent, so accented Latin keeps its letters.
  const ascii = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
  const words = ascii.split(/[^a-z0-9]+/).filter((word) => word !== '');
  let slug = '';
  for (const word of words) {
    const next = slug === '' ? word : `${slug}-${word}`;
    if (next.length > maxLength) {
      // A first word longer than the limit is cut rather than dropped, so the slug still says something.
      if (slug === '') slug = word.slice(0, Math.max(1, maxLength));
      break;
    }
    slug = next;
  }
  return slug === '' ? 'bug' : slug;
}

/** `bugs/<UTC date>-<slug>.md` for the first line of text, with -2, -3… appended while the name is in `taken`. */
export function bugFileName(now: Date, text: string, taken: ReadonlySet<string>): string {
  const firstLine = text.trim().split('\n')[0] ?? '';
  const stem = `${BUGS_DIR}/${utcDate(now)}-${slugify(firstLine)}`;
  if (!taken.has(`${stem}.md`)) return `${stem}.md`;
  for (let n = 2; ; n++) {
    if (!taken.has(`${stem}-${n}.md`)) return `${stem}-${n}.md`;
  }
}

/** YYYY-MM-DD of a moment, in UTC so every contributor's clock names the same day. */
export function utcDate(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** Parses a bug file; every problem is one line naming the file and the key. */
export function parseBug(file: string, text: string): ParseBugResult {
  const fail = (error: string): ParseBugResult => ({ ok: false, error: `${file}: ${error}` });
  const front = readFrontmatter(text, KEYS, "an 'intent:' key");
  if (!front.ok) return fail(front.error);
  const { record } = front;
  const fields = readFields(record, front.raw);
  if ('error' in fields) return fail(fields.error);
  const body = front.body.trim();
  if (body === '') return fail('empty report: write what goes wrong below the frontmatter');
  return { ok: true, bug: { file, ...fields.value, body } };
}

type Fields = Omit<Bug, 'file' | 'body'>;

function readFields(record: Record<string, unknown>, frontmatter: string): { value: Fields } | { error: string } {
  const { intent, status } = record;
  if (intent === undefined || intent === null) return { error: `missing required key 'intent' (the id of the intent the bug is about)` };
  if (typeof intent !== 'string' || !INTENT_ID.test(intent))
    return { error: `key 'intent' must be an intent id, not ${JSON.stringify(intent)}` };
  if (status === undefined || status === null) return { error: `missing required key 'status' (one of ${STATUSES.join(', ')})` };
  if (!STATUSES.includes(status as BugStatus))
    return { error: `key 'status' must be one of ${STATUSES.join(', ')}, not ${JSON.stringify(status)}` };
  const created = readDate(record.created, frontmatter);
  if (created === undefined) return { error: `key 'created' must be a date YYYY-MM-DD` };
  const value: Fields = { intent, status: status as BugStatus, created };
  for (const key of ['source', 'moduleHash', 'note'] as const) {
    const text = record[key];
    if (text === undefined || text === null) continue;
    if (typeof text !== 'string' || text.trim() === '') return { error: `key '${key}' must be a non-empty string` };
    value[key] = text.trim();
  }
  if (value.moduleHash !== undefined && /\s/.test(value.moduleHash))
    return { error: `key 'moduleHash' must be a single hash, not '${value.moduleHash}'` };
  if (record.regressionTest !== undefined && record.regressionTest !== null) {
    const path = typeof record.regressionTest === 'string' ? checkRepoPath(record.regressionTest) : { error: 'must be a path string' };
    if (typeof path !== 'string') return { error: `key 'regressionTest' ${path.error}` };
    value.regressionTest = path;
  }
  return { value };
}

/** A YYYY-MM-DD string from YAML, which turns an unquoted date into a Date at UTC midnight. */
function readDate(value: unknown, frontmatter: string): string | undefined {
  // YAML rolls 2026-02-31 over to 2026-03-03; only a date written exactly as it reads back is real.
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : writtenAs(utcDate(value), frontmatter);
  if (typeof value !== 'string') return undefined;
  const match = DATE.exec(value.trim());
  if (!match) return undefined;
  const date = new Date(`${match[0]}T00:00:00Z`);
  // new Date rolls 2026-02-31 over to March; a round trip catches it.
  return !Number.isNaN(date.getTime()) && utcDate(date) === match[0] ? match[0] : undefined;
}

function writtenAs(date: string, frontmatter: string): string | undefined {
  return new RegExp(`^created:[ \\t]*${date}[ \\t]*(#.*)?\\r?$`, 'm').test(frontmatter) ? date : undefined;
}

/** The file text of a bug: frontmatter in a fixed key order, then the report. */
export function serializeBug(bug: Bug): string {
  const lines = ['---'];
  for (const key of KEYS) {
    const value = bug[key];
    if (value === undefined) continue;
    lines.push(`${key}: ${key === 'created' && DATE.test(value) ? value : yamlString(value)}`);
  }
  lines.push('---', bug.body.trim(), '');
  return lines.join('\n');
}

/** A plain YAML scalar when it cannot be misread (as a number, boolean, comment, mapping…), else a quoted one. */
function yamlString(value: string): string {
  const plain = /^[A-Za-z_/][\w./:?&=%+~@-]*$/.test(value) && !value.endsWith(':') && !/^(true|false|yes|no|on|off|null|y|n)$/i.test(value);
  // JSON strings are valid YAML double-quoted scalars.
  return plain ? value : JSON.stringify(value);
}

/** Where a bug's regression test goes: bugs/2026-11-23-x.md -> test/regressions/2026-11-23-x.test.ts. */
export function regressionTestPath(bugFile: string): string {
  const inside = bugFile.startsWith(`${BUGS_DIR}/`) ? bugFile.slice(BUGS_DIR.length + 1) : (bugFile.split('/').pop() ?? bugFile);
  return `${REGRESSIONS_DIR}/${inside.replace(/\.md$/i, '')}.test.ts`;
}

/** One issue of `gh issue list --json number,title,body,labels,url`. */
export interface IssueExport {
  number?: number;
  title: string;
  body?: string;
  labels?: Array<string | { name: string }>;
  url?: string;
}

/** Which intent an issue is about: a label equal to an intent id (or `intent:<id>` / `ainative:<id>`), else an intent id appearing as a whole word in the title; undefined when none or ambiguous. */
export function intentOfIssue(issue: IssueExport, intentIds: readonly string[]): string | undefined {
  const byLower = new Map(intentIds.map((id) => [id.toLowerCase(), id]));
  const labelNames = (issue.labels ?? []).map((label) => (typeof label === 'string' ? label : label.name));
  const fromLabels = matchIds(
    labelNames.map((name) => name.trim().replace(/^(intent|ainative):\s*/i, '')),
    byLower,
  );
  // A label is a deliberate choice, so when labels name any intent the title is not consulted.
  if (fromLabels.size > 0) return only(fromLabels);
  // Ids may hold '.', '_' and '-', so those stay inside a word; a sentence's trailing '.' or '-' does not.
  const words = issue.title.split(/[^A-Za-z0-9._-]+/).map((word) => word.replace(/[.-]+$/, ''));
  return only(matchIds(words, byLower));
}

function matchIds(candidates: string[], byLower: Map<string, string>): Set<string> {
  const found = new Set<string>();
  for (const candidate of candidates) {
    const id = byLower.get(candidate.toLowerCase());
    if (id !== undefined) found.add(id);
  }
  return found;
}

function only(ids: Set<string>): string | undefined {
  return ids.size === 1 ? [...ids][0] : undefined;
}

/** Reads an export of `gh issue list --json …`: an array of issues, or `{ issues: [...] }`. */
export function parseIssueExport(file: string, text: string): { ok: true; issues: IssueExport[] } | { ok: false; error: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `${file}: not valid JSON: ${errorLine(error)}` };
  }
  const list = Array.isArray(data) ? data : (data as { issues?: unknown } | null)?.issues;
  if (!Array.isArray(list))
    return {
      ok: false,
      error: `${file}: expected an array of issues (gh issue list --json number,title,body,labels,url) or { "issues": [...] }`,
    };
  const issues: IssueExport[] = [];
  for (const [index, item] of list.entries()) {
    const issue = readIssue(item);
    if (typeof issue === 'string') return { ok: false, error: `${file}: issue ${index + 1}: ${issue}` };
    issues.push(issue);
  }
  return { ok: true, issues };
}

function readIssue(item: unknown): IssueExport | string {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return 'must be an object';
  const raw = item as Record<string, unknown>;
  if (typeof raw.title !== 'string' || raw.title.trim() === '') return `'title' must be a non-empty string`;
  const issue: IssueExport = { title: raw.title.trim() };
  if (typeof raw.number === 'number' && Number.isInteger(raw.number)) issue.number = raw.number;
  if (typeof raw.body === 'string') issue.body = raw.body;
  if (typeof raw.url === 'string' && raw.url.trim() !== '') issue.url = raw.url.trim();
  if (raw.labels !== undefined && raw.labels !== null) {
    if (!Array.isArray(raw.labels)) return `'labels' must be a list`;
    const labels = raw.labels.map((label: unknown) => (typeof label === 'string' ? label : (label as { name?: unknown } | null)?.name));
    if (!labels.every((label): label is string => typeof label === 'string'))
      return `'labels' must hold strings or { "name": ... } objects`;
    issue.labels = labels;
  }
  return issue;
}

/** Where an imported issue came from: its URL, else `#<number>`. */
export function issueSource(issue: IssueExport): string | undefined {
  return issue.url ?? (issue.number !== undefined ? `#${issue.number}` : undefined);
}

/** The report text of an imported issue: its title, a blank line, then its body. */
export function issueReport(issue: IssueExport): string {
  const body = issue.body?.trim() ?? '';
  return body === '' ? issue.title.trim() : `${issue.title.trim()}\n\n${body}`;
}
