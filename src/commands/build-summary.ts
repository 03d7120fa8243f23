import { summaryTable } from '../core/build/summary-table.js';
import { stepSummaryFile } from '../adapters/project/config-loader.js';
import { writeSummaryFiles } from '../adapters/project/summary-file.js';
import type { BuildCommandResult } from './build.js';

/**
 * The build's Markdown table: in `file` (`--summary FILE`) when given, and appended to the job summary in GitHub
 * Actions, where every build's table belongs on the run's page. Elsewhere and without a file, nothing.
 */
export async function writeBuildSummary(cwd: string, file: string | undefined, result: BuildCommandResult): Promise<void> {
  const stepSummary = stepSummaryFile();
  if (file === undefined && stepSummary === undefined) return;
  const table = result.redact(summaryTable(result.build.modules, result.price));
  await writeSummaryFiles(table, { cwd, file, stepSummary });
}
