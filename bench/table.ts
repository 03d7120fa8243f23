// The result table, as aligned text for the terminal and as Markdown for bench/latest.md.
import type { Summary } from './stats.js';

/** One line of the table; `verdict` is empty for figures that only explain another. */
export interface Row {
  scenario: string;
  figure: string;
  unit: 'ms' | 'x' | 'tokens' | 'count' | 'MB';
  summary: Summary;
  target: string;
  verdict: 'PASS' | 'SHORT' | '';
}

/** A row whose verdict comes from `pass` (undefined: informational). */
export function row(scenario: string, figure: string, unit: Row['unit'], summary: Summary, target = '', pass?: boolean): Row {
  return { scenario, figure, unit, summary, target, verdict: pass === undefined ? '' : pass ? 'PASS' : 'SHORT' };
}

const HEADERS = ['scenario', 'figure', 'median', 'min–max', 'n', 'target', 'mark'];

function format(value: number, unit: Row['unit']): string {
  if (unit === 'x') return `${value.toFixed(value >= 10 ? 1 : 2)}×`;
  if (unit === 'ms') return `${value.toFixed(value >= 100 ? 0 : 1)} ms`;
  if (unit === 'MB') return `${value.toFixed(value >= 100 ? 0 : 1)} MB`;
  return String(Math.round(value));
}

function cells(r: Row): string[] {
  const { median, min, max, n } = r.summary;
  const range = n === 1 ? '—' : `${format(min, r.unit)}–${format(max, r.unit)}`;
  return [r.scenario, r.figure, format(median, r.unit), range, String(n), r.target, r.verdict];
}

/** Aligned plain-text table. */
export function textTable(rows: Row[]): string {
  const all = [HEADERS, ...rows.map(cells)];
  const widths = HEADERS.map((_, i) => Math.max(...all.map((line) => line[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((value, i) => value.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(HEADERS), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => line(cells(r)))].join('\n');
}

/** GitHub-flavoured Markdown table. */
export function markdownTable(rows: Row[]): string {
  const escapeCell = (value: string) => value.replace(/\|/g, '\\|');
  const line = (values: string[]) => `| ${values.map(escapeCell).join(' | ')} |`;
  return [line(HEADERS), line(HEADERS.map(() => '---')), ...rows.map((r) => line(cells(r)))].join('\n');
}
