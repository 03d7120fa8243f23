import { EXIT, InputError } from '../core/errors.js';
import { importIssuesCommand, reportCommand, type ReportResult } from '../commands/report.js';

export interface ReportCliOptions {
  cwd: string;
  intent?: string;
  text?: string;
  bodyFile?: string;
  source?: string;
  /** `--import <file>`: a `gh issue list --json …` export. */
  importFile?: string;
  json: boolean;
  now: Date;
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
}

/** Runs `ainative report` (one report, or an import of issues) and prints what it wrote. */
export async function runReport(options: ReportCliOptions): Promise<number> {
  const readStdin = () => readAll(options.stdin);
  const { cwd, now } = options;
  if (options.importFile !== undefined) {
    if (options.intent !== undefined || options.text !== undefined || options.bodyFile !== undefined || options.source !== undefined) {
      throw new InputError(
        '--import takes the intent, text and source from each issue: pass no intent id, text, --body-file or --source with it',
      );
    }
    const result = await importIssuesCommand({ cwd, file: options.importFile, readStdin, now });
    options.stdout.write(options.json ? toJson(result) : formatImport(result));
    return EXIT.ok;
  }
  if (options.intent === undefined)
    throw new InputError('missing intent id: ainative report <intent-id> "<what goes wrong>" (or --import issues.json)');
  const result = await reportCommand({
    cwd,
    intent: options.intent,
    text: options.text,
    bodyFile: options.bodyFile,
    source: options.source,
    readStdin,
    now,
  });
  options.stdout.write(options.json ? toJson(result) : result.written.map((written) => `${written.file}\n`).join(''));
  return EXIT.ok;
}

function toJson(result: ReportResult): string {
  return `${JSON.stringify({ written: result.written, skipped: result.skipped }, null, 2)}\n`;
}

/** A line per written file, then `imported N, skipped M (reason: titles; …)`. */
function formatImport(result: ReportResult): string {
  const lines = result.written.map((written) => `${written.file} (${written.intent})`);
  const reasons = new Map<string, string[]>();
  for (const skipped of result.skipped)
    reasons.set(skipped.reason, [...(reasons.get(skipped.reason) ?? []), JSON.stringify(skipped.title)]);
  const why = [...reasons].map(([reason, titles]) => `${reason}: ${titles.join(', ')}`).join('; ');
  lines.push(`imported ${result.written.length}, skipped ${result.skipped.length}${why ? ` (${why})` : ''}`);
  return `${lines.join('\n')}\n`;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
