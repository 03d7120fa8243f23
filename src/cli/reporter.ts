import { Chalk, type ChalkInstance } from 'chalk';
import type { BuildReporter, ModuleResult } from '../core/build/build.js';
import type { Intent } from '../core/project/intent.js';
import type { AttemptReport, AttemptStart, AttemptStream } from '../core/agent/engine.js';
import { formatDuration, formatTokens, formatUsage } from '../core/build/units.js';

/** How often the live lines are redrawn while nothing else happens, so elapsed times move. */
const LIVE_REDRAW_MS = 250;

export interface ReporterOptions {
  stream: NodeJS.WritableStream;
  /** Redraw one live line per intent (a terminal); otherwise print a line per event. */
  live: boolean;
  color: boolean;
  /** Milliseconds from a fixed point, for elapsed times. */
  clock: () => number;
  /** Calls `redraw` every LIVE_REDRAW_MS until the returned function is called; a real timer unless a test passes its own. */
  ticker?: (redraw: () => void) => () => void;
}

/** One intent's live line: a fixed text, or one that shows how long the intent has been going. */
interface LiveLine {
  startedAt: number;
  render(elapsed: string): string;
}

/** Prints build progress: live lines on a terminal, plain event lines elsewhere. */
export async function createTerminalReporter(options: ReporterOptions): Promise<BuildReporter & { finish(): void }> {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const lines = new Map<string, LiveLine>();
  const started = new Map<string, number>();
  // Loaded only for a terminal: log-update and its dependencies cost more than a no-op build's own work.
  const update = options.live ? (await import('log-update')).createLogUpdate(options.stream, { showCursor: true }) : undefined;
  const redraw = () => {
    const now = options.clock();
    update?.([...lines.values()].map((line) => line.render(chalk.dim(formatDuration(now - line.startedAt)))).join('\n'));
  };
  const stopTicking = update ? (options.ticker ?? intervalTicker)(redraw) : () => {};
  const show = (id: string, render: (elapsed: string) => string): void => {
    if (!update) {
      options.stream.write(`${render('').trimEnd()}\n`);
      return;
    }
    lines.set(id, { startedAt: started.get(id) ?? options.clock(), render });
    redraw();
  };
  let finished = false;
  const attemptLabel = (start: { id: string; attempt: number; maxAttempts: number }) =>
    `${chalk.bold(start.id)} attempt ${start.attempt}/${start.maxAttempts}`;
  const reporter: BuildReporter & { finish(): void } = {
    intentStart(intent: Intent, reasons: string[]) {
      started.set(intent.id, options.clock());
      show(intent.id, () => `${chalk.cyan('●')} ${chalk.bold(intent.id)} ${chalk.dim(`stale: ${reasons.join('; ')}`)}`);
    },
    attemptStart(start: AttemptStart) {
      if (update) show(start.id, (elapsed) => `${chalk.cyan('●')} ${attemptLabel(start)} ${chalk.dim('asking the model…')}  ${elapsed}`);
    },
    attempt(report: AttemptReport) {
      const mark = report.green ? chalk.green('●') : chalk.yellow('●');
      show(
        report.id,
        (elapsed) =>
          `${mark} ${attemptLabel(report)}  ${describeAttempt(report, chalk)}  ${chalk.dim(formatUsage(report.tokens))}  ${elapsed}`,
      );
    },
    intentEnd(result: ModuleResult) {
      // The final line's time is in its text; it stops moving.
      show(result.id, () => describeResult(result, chalk));
      started.delete(result.id);
    },
    finish() {
      if (finished) return;
      finished = true;
      stopTicking();
      if (update) redraw();
      update?.done();
    },
  };
  // Streamed tokens are shown only where a line is redrawn: elsewhere they would be one line per chunk.
  if (update) {
    reporter.streaming = (progress: AttemptStream) => {
      const count =
        progress.completionTokens > 0 ? `  ${chalk.dim(`${formatTokens(progress.completionTokens, true)} tokens streamed`)}` : '';
      const doing = chalk.dim(progress.answered ? 'checking and testing…' : 'model answering…');
      lines.set(progress.id, {
        startedAt: started.get(progress.id) ?? options.clock(),
        render: (elapsed) => `${chalk.cyan('●')} ${attemptLabel(progress)} ${doing}${count}  ${elapsed}`,
      });
      // Chunks only update the line, which the ticker redraws; the end of the answer shows at once.
      if (progress.answered) redraw();
    };
  }
  return reporter;
}

function intervalTicker(redraw: () => void): () => void {
  const timer = setInterval(redraw, LIVE_REDRAW_MS);
  // Progress must never keep the process alive.
  timer.unref();
  return () => clearInterval(timer);
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
function describeResult(result: ModuleResult, chalk: ChalkInstance): string {
  const name = chalk.bold(result.id);
  if (result.status === 'fresh') return `${chalk.dim('·')} ${name} fresh ${chalk.dim(result.module)}`;
  const attempts = `${result.attempts} attempt${result.attempts === 1 ? '' : 's'} (${formatDuration(result.ms)})`;
  const tests = `tests ${result.tests.passed} passed, ${result.tests.failed} failed`;
  const usage = chalk.dim(formatUsage(result.tokens));
  if (result.status === 'built') return `${chalk.green('✔')} ${name} built ${chalk.dim(result.module)} in ${attempts}  ${tests}  ${usage}`;
  if (result.attempts === 0) return `${chalk.red('✖')} ${name} ${chalk.red('failed')}: ${result.failure}`;
  if (result.status === 'overfit')
    return `${chalk.red('✖')} ${name} ${chalk.red('overfit')}: visible tests pass, hidden tests fail after ${attempts}  ${usage}`;
  return `${chalk.red('✖')} ${name} ${chalk.red('failed')} after ${attempts}  ${tests}  ${usage}`;
}
