import { Chalk, type ChalkInstance } from 'chalk';
import type { BuildReporter, ModuleResult } from '../core/build/build.js';
import type { Intent } from '../core/project/intent.js';
import type { AttemptReport } from '../core/agent/engine.js';

export interface ReporterOptions {
  stream: NodeJS.WritableStream;
  /** Redraw one live line per intent (a terminal); otherwise print a line per event. */
  live: boolean;
  color: boolean;
}

/** Prints build progress: live lines on a terminal, plain event lines elsewhere. */
export async function createTerminalReporter(options: ReporterOptions): Promise<BuildReporter & { finish(): void }> {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const lines = new Map<string, string>();
  // Loaded only for a terminal: log-update and its dependencies cost more than a no-op build's own work.
  const update = options.live ? (await import('log-update')).createLogUpdate(options.stream, { showCursor: true }) : undefined;
  const show = (id: string, line: string): void => {
    if (!update) {
      options.stream.write(`${line}\n`);
      return;
    }
    lines.set(id, line);
    update([...lines.values()].join('\n'));
  };
  return {
    intentStart(intent: Intent, reasons: string[]) {
      show(intent.id, `${chalk.cyan('●')} ${chalk.bold(intent.id)} ${chalk.dim(`stale: ${reasons.join('; ')}`)}`);
    },
    attemptStart(id, attempt, maxAttempts) {
      if (update) show(id, `${chalk.cyan('●')} ${chalk.bold(id)} attempt ${attempt}/${maxAttempts} ${chalk.dim('asking the model…')}`);
    },
    attempt(report: AttemptReport) {
      show(report.id, `${report.green ? chalk.green('●') : chalk.yellow('●')} ${chalk.bold(report.id)} attempt ${report.attempt}/${report.maxAttempts}  ${describeAttempt(report, chalk)}  ${chalk.dim(tokens(report.tokens))}`);
    },
    intentEnd(result: ModuleResult) {
      show(result.id, describeResult(result, chalk));
    },
    finish() {
      update?.done();
    },
  };
}

function describeAttempt(report: AttemptReport, chalk: ChalkInstance): string {
  if (report.task === 'reproduce') return `regression test: ${describeStage(report, chalk)}`;
  return describeStage(report, chalk);
}

function describeStage(report: AttemptReport, chalk: ChalkInstance): string {
  if (report.stage === 'reply') return chalk.yellow('reply unusable');
  if (report.stage === 'guard') return chalk.red('unsafe code rejected');
  const tests = `tests ${chalk.green(`${report.tests.passed} passed`)}, ${report.tests.failed > 0 ? chalk.red(`${report.tests.failed} failed`) : '0 failed'}`;
  if (report.stage === 'holdout') return `${tests}  ${chalk.red('hidden tests failed')}`;
  return report.stage === 'types' ? `${chalk.red('type errors')}  ${tests}` : tests;
}

/** The final line for one intent. */
export function describeResult(result: ModuleResult, chalk: ChalkInstance): string {
  const name = chalk.bold(result.id);
  if (result.status === 'fresh') return `${chalk.dim('·')} ${name} fresh ${chalk.dim(result.module)}`;
  const attempts = `${result.attempts} attempt${result.attempts === 1 ? '' : 's'}`;
  const tests = `tests ${result.tests.passed} passed, ${result.tests.failed} failed`;
  if (result.status === 'built') return `${chalk.green('✔')} ${name} built ${chalk.dim(result.module)} in ${attempts}  ${tests}  ${chalk.dim(tokens(result.tokens))}`;
  if (result.attempts === 0) return `${chalk.red('✖')} ${name} ${chalk.red('failed')}: ${result.failure}`;
  if (result.status === 'overfit') return `${chalk.red('✖')} ${name} ${chalk.red('overfit')}: visible tests pass, hidden tests fail after ${attempts}  ${chalk.dim(tokens(result.tokens))}`;
  return `${chalk.red('✖')} ${name} ${chalk.red('failed')} after ${attempts}  ${tests}  ${chalk.dim(tokens(result.tokens))}`;
}

function tokens(usage: { prompt: number; completion: number }): string {
  return `tokens ${usage.prompt}+${usage.completion}`;
}
