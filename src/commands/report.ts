import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  bugFileName,
  intentOfIssue,
  issueReport,
  issueSource,
  parseIssueExport,
  utcDate,
  type Bug,
  type IssueExport,
} from '../core/project/bug.js';
import { InputError } from '../core/errors.js';
import { listBugFiles, readBugs, writeNewBugFile } from '../adapters/project/bug-files.js';
import { openProject } from './project.js';

/** Read `-` from here: stdin, handed in so the command never touches `process`. */
export type ReadStdin = () => Promise<string>;

export interface ReportOptions {
  cwd: string;
  intent: string;
  /** The report itself; `-` reads stdin. */
  text?: string;
  /** A file holding the report, relative to cwd; `-` reads stdin. */
  bodyFile?: string;
  source?: string;
  readStdin: ReadStdin;
  now: Date;
}

export interface ImportIssuesOptions {
  cwd: string;
  /** An export of `gh issue list --json number,title,body,labels,url`, relative to cwd; `-` reads stdin. */
  file: string;
  readStdin: ReadStdin;
  now: Date;
}

/** What `ainative report` wrote and, for an import, which issues it left out and why. */
export interface ReportResult {
  written: Array<{ file: string; intent: string }>;
  skipped: Array<{ title: string; reason: 'no intent' | 'already imported' }>;
}

/** `ainative report <intent> <text>`: writes one open bug file and never overwrites another. */
export async function reportCommand(options: ReportOptions): Promise<ReportResult> {
  const project = await openProject(options.cwd, {});
  const ids = project.intents.map((intent) => intent.id);
  if (!ids.includes(options.intent)) {
    throw new InputError(`unknown intent '${options.intent}' (known intents: ${ids.join(', ')})`);
  }
  const body = (await readReport(options)).trim();
  if (body === '') throw new InputError('the bug report is empty: say what goes wrong (as text, with --body-file, or on stdin with -)');
  const source = options.source?.trim();
  if (options.source !== undefined && !source)
    throw new InputError('--source is empty: pass the URL or issue number where the bug was reported');
  const taken = new Set(await listBugFiles(project.root));
  const file = await writeBug(
    project.root,
    { intent: options.intent, status: 'open', created: utcDate(options.now), source, body },
    options.now,
    taken,
  );
  return { written: [{ file, intent: options.intent }], skipped: [] };
}

/** `ainative report --import issues.json`: one bug file per issue that names an intent and was not imported before. */
export async function importIssuesCommand(options: ImportIssuesOptions): Promise<ReportResult> {
  const project = await openProject(options.cwd, {});
  const ids = project.intents.map((intent) => intent.id);
  const name = options.file === '-' ? '<stdin>' : options.file;
  const parsed = parseIssueExport(name, await readInput(options.file, options.cwd, options.readStdin));
  if (!parsed.ok) throw new InputError(parsed.error);
  const imported = await importedSources(project.root);
  const taken = new Set(await listBugFiles(project.root));
  const result: ReportResult = { written: [], skipped: [] };
  for (const issue of parsed.issues) {
    const keys = sourceKeys(issue);
    if (keys.some((key) => imported.has(key))) {
      result.skipped.push({ title: issue.title, reason: 'already imported' });
      continue;
    }
    const intent = intentOfIssue(issue, ids);
    if (intent === undefined) {
      result.skipped.push({ title: issue.title, reason: 'no intent' });
      continue;
    }
    const body = issueReport(issue);
    const file = await writeBug(
      project.root,
      { intent, status: 'open', created: utcDate(options.now), source: issueSource(issue), body },
      options.now,
      taken,
    );
    result.written.push({ file, intent });
    // The same issue twice in one export is imported once.
    for (const key of keys) imported.add(key);
  }
  return result;
}

/** Writes a new bug file under the first free name; `taken` grows with what this run wrote. */
async function writeBug(root: string, fields: Omit<Bug, 'file'>, now: Date, taken: Set<string>): Promise<string> {
  for (;;) {
    const file = bugFileName(now, fields.body, taken);
    taken.add(file);
    // False means the file appeared since we listed bugs/ (another report at the same moment): take the next name.
    if (await writeNewBugFile(root, { file, ...fields })) return file;
  }
}

/** Sources of the bugs already on file; an unreadable bug file could be an earlier import, so it stops the import. */
async function importedSources(root: string): Promise<Set<string>> {
  const { bugs, errors } = await readBugs(root);
  if (errors.length > 0) {
    throw new InputError(
      [...errors, 'fix or remove these bug files first: without them ainative cannot tell which issues were already imported'].join('\n'),
    );
  }
  return new Set(bugs.flatMap((bug) => (bug.source ? [bug.source] : [])));
}

/** Every form an issue's source may have been recorded in: its URL and `#<number>`. */
function sourceKeys(issue: IssueExport): string[] {
  return [issue.url, issue.number !== undefined ? `#${issue.number}` : undefined].filter((key): key is string => key !== undefined);
}

async function readReport(options: ReportOptions): Promise<string> {
  if (options.text !== undefined && options.bodyFile !== undefined)
    throw new InputError('pass the report either as text or with --body-file, not both');
  if (options.bodyFile !== undefined) return readInput(options.bodyFile, options.cwd, options.readStdin);
  if (options.text === undefined)
    throw new InputError(
      `missing the report: ainative report ${options.intent} "<what goes wrong>" (or --body-file <file>, or - for stdin)`,
    );
  return options.text === '-' ? options.readStdin() : options.text;
}

/** A file's text (relative to cwd), or stdin for `-`; an unreadable file is an input error naming it. */
async function readInput(file: string, cwd: string, readStdin: ReadStdin): Promise<string> {
  if (file === '-') return readStdin();
  try {
    return await readFile(resolve(cwd, file), 'utf8');
  } catch (error) {
    throw new InputError(`${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
  }
}
