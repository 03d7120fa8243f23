import { summaryTable } from '../core/build/summary-table.js';
import { stepSummaryFile } from '../adapters/project/config-loader.js';
import { writeSummaryFiles } from '../adapters/project/summary-file.js';
import type { BuildCommandResult } from './build.js';

/** `--summary FILE`: the build's Markdown table in FILE, and appended to the GitHub Actions job summary when there is one. */
export async function writeBuildSummary(cwd: string, file: string, result: BuildCommandResult): Promise<void> {
  const table = result.redact(summaryTable(result.build.modules, result.price));
  await writeSummaryFiles(table, { cwd, file, stepSummary: stepSummaryFile() });
}
