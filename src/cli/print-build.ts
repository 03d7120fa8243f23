import { Chalk } from 'chalk';
import type { BuildReporter, ModuleResult, RunBuildResult } from '../core/build/build.js';
import type { BugResult } from '../core/build/bugs.js';
import { costOf, formatCost, roundCost, type Price } from '../core/build/cost.js';
import { teeReporters } from '../core/build/reporters.js';
import { formatTokens } from '../core/build/units.js';
import { sumUsage } from '../core/model/usage.js';
import { colorEnabled } from '../adapters/project/config-loader.js';
import { buildCommand, type BuildCommandOptions, type ProviderRequests } from '../commands/build.js';
import { createTerminalReporter } from './reporter.js';
import { createVerboseReporter } from './print-transcript.js';

export interface BuildCliOptions extends Pick<BuildCommandOptions, 'cwd' | 'flags' | 'fix' | 'intents'> {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** Runs `ainative build` with progress (or JSON) output; returns the exit code. Errors that stop the run propagate. */
export async function runBuildCli(options: BuildCliOptions): Promise<number> {
  const json = options.flags.json ?? false;
  const color = !json && colorEnabled(options.stdout);
  const verbose = options.flags.verbose ?? false;
  // Verbose output goes to stderr; redrawing lines on the same terminal would tear it apart.
  const live = isSizedTerminal(options.stdout) && !verbose;
  const terminal = json ? undefined : await createTerminalReporter({ stream: options.stdout, live, color, clock: () => performance.now() });
  const reporter = teeReporters(terminal ?? silentReporter, ...(verbose ? [createVerboseReporter(options.stderr)] : []));
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const { exitCode, build, redact, replayed, commitSha, owned, testHost, shared, requests, price } = await buildCommand({
      cwd: options.cwd,
      flags: options.flags,
      fix: options.fix,
      intents: options.intents,
      reporter,
      signal: controller.signal,
      warn: (message) => options.stderr.write(`ainative: warning: ${message}\n`),
    });
    terminal?.finish();
    const tokens = sumUsage(build.modules.map((module) => module.tokens));
    const report = {
      ok: build.ok,
      ...(build.budgetExhausted ? { budgetExhausted: build.budgetExhausted } : {}),
      replayed,
      requests,
      tokens,
      ...(price ? { cost: roundCost(costOf(tokens, price)) } : {}),
      ...(testHost ? { testHost } : {}),
      // The build's own peak memory, whatever the code under test printed or allocated.
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      ...(commitSha ? { commit: commitSha } : {}),
      ...(options.flags.shard ? { shard: { ...options.flags.shard, owned: owned ?? [] } } : {}),
      modules: build.modules.map((module) => ({
        ...toJson(module, price),
        ...(shared?.includes(module.id) ? { isolation: 'shared' } : {}),
      })),
      ...(build.bugs?.length ? { bugs: build.bugs.map(bugJson) } : {}),
    };
    if (json) options.stdout.write(redact(`${JSON.stringify(report, null, 2)}\n`));
    else
      options.stdout.write(
        redact(summarize(build, { replayed, requests, price }, color) + (commitSha ? `committed ${commitSha.slice(0, 12)}\n` : '')),
      );
    return exitCode;
  } finally {
    terminal?.finish();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

const silentReporter: BuildReporter = { intentStart() {}, attemptStart() {}, attempt() {}, intentEnd() {} };

function bugJson(bug: BugResult) {
  return {
    file: bug.file,
    intent: bug.intent,
    status: bug.status,
    ...(bug.status !== 'unreproduced' ? { regressionTest: bug.regressionTest } : {}),
    attempts: bug.attempts,
  };
}

function toJson(result: ModuleResult, price: Price | undefined) {
  return {
    id: result.id,
    module: result.module,
    status: result.status,
    attempts: result.attempts,
    tests: result.tests,
    tokens: result.tokens,
    ...(price ? { cost: roundCost(costOf(result.tokens, price)) } : {}),
    ms: Math.round(result.ms),
    reasons: result.reasons,
    ...('failure' in result ? { failure: result.failure } : {}),
  };
}

interface BuildTotals {
  replayed: number;
  requests: ProviderRequests;
  price: Price | undefined;
}

/** The closing lines: last failures of what stayed red, then counts. */
function summarize(build: RunBuildResult, { replayed, requests, price }: BuildTotals, color: boolean): string {
  const { modules } = build;
  const chalk = new Chalk({ level: color ? 1 : 0 });
  const lines: string[] = [];
  for (const result of modules) {
    if (result.status === 'fresh' || result.status === 'built' || result.attempts === 0) continue;
    const what = result.status === 'overfit' ? 'visible tests pass but hidden holdout tests fail (overfit)' : 'tests still failing';
    lines.push(
      '',
      chalk.red(`${result.id}: ${what} after ${result.attempts} attempts; ${result.module} was restored to what it was before the build.`),
    );
    if (result.failure) lines.push(result.failure);
  }
  if (build.budgetExhausted) lines.push('', chalk.red(`stopped: ${build.budgetExhausted}; what was built before is kept.`));
  for (const bug of build.bugs ?? []) {
    if (bug.status === 'fixed') lines.push(chalk.green(`✔ ${bug.file}: fixed; ${bug.regressionTest} now guards it`));
    else if (bug.status === 'unreproduced')
      lines.push(chalk.yellow(`! ${bug.file}: could not be reproduced as a failing test (${bug.note || 'no note'}); it stays open`));
    else lines.push(chalk.yellow(`! ${bug.file}: reproduced by ${bug.regressionTest}, not fixed yet`));
  }
  const count = (status: ModuleResult['status']) => modules.filter((module) => module.status === status).length;
  const tokens = sumUsage(modules.map((module) => module.tokens));
  // Model calls of the reproduce loops count too; their tokens are already in their intents' totals.
  const attempts =
    modules.reduce((sum, module) => sum + module.attempts, 0) + (build.bugs ?? []).reduce((sum, bug) => sum + bug.attempts, 0);
  const overfit = count('overfit') > 0 ? `, ${count('overfit')} overfit` : '';
  const retries = requests.retries > 0 ? ` (${requests.retries} ${requests.retries === 1 ? 'retry' : 'retries'})` : '';
  const cost = price ? ` · cost ${tokens.estimated ? '~' : ''}${formatCost(costOf(tokens, price))}` : '';
  const spent = `tokens ${formatTokens(tokens.prompt, tokens.estimated)} prompt + ${formatTokens(tokens.completion, tokens.estimated)} completion${cost}`;
  const calls = `${attempts} model calls (${replayed} replayed from .ainative/cache), ${requests.total} HTTP request${requests.total === 1 ? '' : 's'}${retries}`;
  lines.push('', `${count('built')} built, ${count('fresh')} fresh, ${count('failed')} failed${overfit} · ${calls} · ${spent}`);
  return `${lines.join('\n')}\n`;
}

/** Live redrawing needs a real terminal size; some CI ptys report 0 rows, and log-update would then draw nothing. */
function isSizedTerminal(stream: NodeJS.WriteStream): boolean {
  return stream.isTTY === true && (stream.rows ?? 0) > 0 && (stream.columns ?? 0) > 0;
}
