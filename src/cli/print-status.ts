import { Chalk } from 'chalk';
import type { Config } from '../core/project/config.js';
import { EXIT } from '../core/errors.js';
import { colorEnabled } from '../adapters/project/config-loader.js';
import { statusReport } from '../commands/status.js';

/** Prints `ainative status [intent...]`; exit code 0 whatever the states (it is a report, not a gate). */
export async function runStatus(
  cwd: string,
  flags: Partial<Config>,
  options: { intents: string[]; json: boolean },
  stdout: NodeJS.WriteStream,
): Promise<number> {
  const { intents: statuses, bugs, sandbox } = await statusReport(cwd, flags, options.intents);
  if (options.json) {
    stdout.write(`${JSON.stringify({ sandbox, intents: statuses, bugs }, null, 2)}\n`);
    return EXIT.ok;
  }
  const chalk = new Chalk({ level: colorEnabled(stdout) ? 1 : 0 });
  const width = Math.max(...statuses.map((status) => status.id.length));
  for (const status of statuses) {
    const state = status.state === 'fresh' ? chalk.green('fresh') : chalk.yellow('stale');
    const why = status.reasons.length > 0 ? `  ${chalk.dim(status.reasons.join('; '))}` : '';
    const edited = status.editedByHand ? `  ${chalk.red(`${status.module} edited by hand since it was generated`)}` : '';
    const shared = status.isolation === 'shared' ? `  ${chalk.yellow('isolation: shared (runs in the test realm, weaker)')}` : '';
    stdout.write(`${state}  ${status.id.padEnd(width)}  ${status.module}${why}${edited}${shared}\n`);
    if (status.lastFailure) stdout.write(`    ${chalk.red('last build failed:')} ${status.lastFailure}\n`);
    for (const bug of bugs.filter((candidate) => candidate.intent === status.id)) {
      const test = bug.regressionTest ? `  ${chalk.dim(bug.regressionTest)}` : '';
      const note = bug.note ? `  ${chalk.dim(bug.note)}` : '';
      stdout.write(`    ${bug.status.padEnd(12)}  ${bug.file}${test}${note}\n`);
    }
  }
  stdout.write(chalk.dim(`tests run ${SANDBOX_LINES[sandbox] ?? sandbox}\n`));
  return EXIT.ok;
}

const SANDBOX_LINES: Record<string, string> = {
  bwrap: 'under bubblewrap, generated modules confined',
  permission: "under Node's permission model (no bubblewrap here), generated modules confined",
  none: 'without an OS sandbox (--sandbox off), generated modules confined',
  unavailable: 'nowhere: --sandbox required, and bubblewrap does not work here',
};
