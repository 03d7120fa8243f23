import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/**
 * Writes `markdown` to `file` (relative to `cwd`) when given, and appends it to `stepSummary` (GitHub Actions' job
 * summary, which other steps write to as well) when given; when both are one file it is only appended.
 */
export async function writeSummaryFiles(markdown: string, targets: { cwd: string; file?: string; stepSummary?: string }): Promise<void> {
  const file = targets.file === undefined ? undefined : resolve(targets.cwd, targets.file);
  const stepSummary = targets.stepSummary === undefined ? undefined : resolve(targets.cwd, targets.stepSummary);
  if (file !== undefined && file !== stepSummary) {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, markdown);
  }
  if (stepSummary) await appendFile(stepSummary, `${markdown}\n`);
}
