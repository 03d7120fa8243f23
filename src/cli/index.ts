#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { AinativeError, EXIT, InputError } from '../core/errors.js';
import { packageVersion } from '../adapters/project/package-files.js';

// The CLI only parses arguments, wires commands and prints; this file alone decides the exit code.

const program = new Command('ainative')
  .description('Neural networks at buildtime, software at runtime: an LLM writes each module until your tests pass.')
  .version(packageVersion())
  .exitOverride()
  .showHelpAfterError('(run ainative --help for usage)');

program
  .command('init')
  .description('scaffold ainative.config.json, intents/, src/, test/, tsconfig.json and a vitest config here')
  .action(async () => {
    const { runInit } = await import('./print-init.js');
    process.exitCode = await runInit(process.cwd(), process.stdout);
  });

program
  .command('build')
  .description('regenerate every stale intent until its tests pass')
  .option('--model <name>', 'model name (default: AINATIVE_MODEL, config, gpt-4o-mini)')
  .addOption(new Option('--max-attempts <n>', 'attempts per intent (default 4)').argParser(positiveInteger))
  .addOption(new Option('--concurrency <n>', 'intents built at once, model calls in parallel (default 4)').argParser(positiveInteger))
  .addOption(new Option('--samples <n>', 'best-of-n: candidates per attempt, keeping the one passing the most tests (default 1)').argParser(positiveInteger))
  .addOption(new Option('--shard <i/n>', 'build only shard i of n (for CI matrices); each shard also builds what its intents use').argParser(shardSpec))
  .addOption(new Option('--max-tokens <n>', 'total prompt + completion tokens the build may spend').argParser(positiveInteger))
  .addOption(new Option('--timeout <duration>', 'wall-clock budget for the whole build, e.g. 90s, 10m, 1h').argParser(duration))
  .addOption(new Option('--sandbox <mode>', 'run tests under bubblewrap: auto, required or off (default auto)').choices(['auto', 'required', 'off']))
  .option('--frozen', 'use only replies from .ainative/cache; a miss is an error (exit 7) and nothing is written')
  .option('--no-cache', 'neither read nor write .ainative/cache')
  .option('--changed', 'build only intents touched by changes since HEAD (and what depends on them)')
  .option('--staged', 'build only intents touched by staged changes (the pre-commit hook)')
  .option('--stage', "git add the files the build wrote (modules, lock, cache entries)")
  .option('--commit', 'commit the files the build wrote, with Ainative-Intent/-Model/-Attempts trailers')
  .option('--force', 'overwrite generated modules that were edited by hand')
  .option('--json', 'print one JSON document on stdout instead of progress')
  .action(async (options: BuildFlags) => {
    if (options.changed && options.staged) throw new InputError('--changed and --staged select differently; pass one');
    if (options.frozen && options.cache === false) throw new InputError('--frozen and --no-cache contradict each other');
    const { runBuildCli } = await import('./print-build.js');
    process.exitCode = await runBuildCli({
      cwd: process.cwd(),
      flags: {
        model: options.model,
        maxAttempts: options.maxAttempts,
        maxTokens: options.maxTokens,
        concurrency: options.concurrency,
        samples: options.samples,
        buildTimeoutMs: options.timeout,
        sandbox: options.sandbox,
        cache: options.frozen ? 'frozen' : options.cache === false ? 'off' : undefined,
      },
      force: options.force ?? false,
      select: options.staged ? 'staged' : options.changed ? 'changed' : 'all',
      shard: options.shard,
      stage: options.stage ?? false,
      commit: options.commit ?? false,
      json: options.json ?? false,
      stdout: process.stdout,
      stderr: process.stderr,
    });
  });

interface BuildFlags {
  model?: string;
  concurrency?: number;
  samples?: number;
  shard?: { index: number; count: number };
  maxAttempts?: number;
  maxTokens?: number;
  timeout?: number;
  sandbox?: 'auto' | 'required' | 'off';
  frozen?: boolean;
  /** false with --no-cache. */
  cache?: boolean;
  changed?: boolean;
  staged?: boolean;
  stage?: boolean;
  commit?: boolean;
  force?: boolean;
  json?: boolean;
}

program
  .command('fix')
  .description('turn open bug reports into failing regression tests, then fix their modules')
  .argument('[bug-files...]', 'bug files to fix (default: every open one)')
  .option('--max-attempts <n>', 'attempts per bug and per module (default 4)', positiveIntegerFlag)
  .option('--commit', 'commit each fix with its regression test and a Fixes: trailer')
  .option('--json', 'print one JSON document on stdout instead of progress')
  .action(async (files: string[], options: { maxAttempts?: number; commit?: boolean; json?: boolean }) => {
    const { runBuildCli } = await import('./print-build.js');
    process.exitCode = await runBuildCli({
      cwd: process.cwd(),
      flags: { maxAttempts: options.maxAttempts },
      force: false,
      select: 'all',
      fix: files,
      stage: false,
      commit: options.commit ?? false,
      json: options.json ?? false,
      stdout: process.stdout,
      stderr: process.stderr,
    });
  });

program
  .command('status')
  .description('show each intent as fresh or stale, and why, without calling a model')
  .option('--model <name>', 'model name to compare against the lock')
  .option('--json', 'print one JSON document on stdout')
  .action(async (options: { model?: string; json?: boolean }) => {
    const { runStatus } = await import('./print-status.js');
    process.exitCode = await runStatus(process.cwd(), { model: options.model }, options.json ?? false, process.stdout);
  });

/** `2/5` to { index: 2, count: 5 } (1-based, as CI matrices number jobs). */
function shardSpec(value: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) throw new InvalidArgumentError('expected i/n with 1 <= i <= n, e.g. 2/4');
  return { index, count };
}

/** `90`, `90s`, `10m`, `1h` to milliseconds. */
function duration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('expected a duration such as 90s, 10m or 1h');
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  const ms = Math.round(Number(match[1]) * unit);
  if (ms < 1) throw new InvalidArgumentError('expected a positive duration');
  return ms;
}

program
  .command('report')
  .description('file a bug found after deployment as bugs/<date>-<slug>.md, or import GitHub issues as bug files')
  .argument('[intent-id]', 'the intent the bug is about')
  .argument('[text]', "what goes wrong ('-' reads stdin)")
  .option('--body-file <file>', "take the report from a file ('-' reads stdin)")
  .option('--source <url>', 'where the bug was reported, e.g. an issue URL')
  .option('--import <file>', 'import an export of gh issue list --json number,title,body,labels,url')
  .option('--json', 'print one JSON document on stdout')
  .action(async (intent: string | undefined, text: string | undefined, options: { bodyFile?: string; source?: string; import?: string; json?: boolean }) => {
    const { runReport } = await import('./print-report.js');
    process.exitCode = await runReport({
      cwd: process.cwd(),
      intent,
      text,
      bodyFile: options.bodyFile,
      source: options.source,
      importFile: options.import,
      json: options.json ?? false,
      now: new Date(),
      stdin: process.stdin,
      stdout: process.stdout,
    });
  });

program
  .command('check')
  .description('CI gate: fail on drift from ainative.lock, then run every intent test once; never calls a model')
  .option('--json', 'print one JSON document on stdout')
  .action(async (options: { json?: boolean }) => {
    const { runCheck } = await import('./print-check.js');
    process.exitCode = await runCheck(process.cwd(), options.json ?? false, process.stdout);
  });

const hook = program.command('hook').description('git pre-commit integration');
hook
  .command('install')
  .description('install a pre-commit hook that rebuilds intents touched by staged changes and stages the result')
  .option('--force', 'replace a pre-commit hook that ainative did not write')
  .action(async (options: { force?: boolean }) => {
    const { runHookInstall } = await import('./print-hook.js');
    process.exitCode = await runHookInstall(process.cwd(), options.force ?? false, process.stdout);
  });

const cache = program.command('cache').description('inspect or clean the response cache in .ainative/cache');
cache
  .command('stats')
  .description('entries and size of the response cache')
  .option('--json', 'print one JSON document on stdout')
  .action(async (options: { json?: boolean }) => {
    const { runCacheStats } = await import('./print-cache.js');
    process.exitCode = await runCacheStats(process.cwd(), options.json ?? false, process.stdout);
  });
cache
  .command('prune')
  .description('remove cached replies that ainative.lock no longer references')
  .option('--json', 'print one JSON document on stdout')
  .action(async (options: { json?: boolean }) => {
    const { runCachePrune } = await import('./print-cache.js');
    process.exitCode = await runCachePrune(process.cwd(), options.json ?? false, process.stdout);
  });

function positiveIntegerFlag(value: string): number {
  return positiveInteger(value);
}

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('expected a positive integer');
  return number;
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = report(error);
}

/** Prints a stopping error the way the user should see it and returns its exit code. */
function report(error: unknown): number {
  if (error instanceof CommanderError) {
    // commander already printed its message; help and version are successes.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof AinativeError) {
    for (const line of error.message.split('\n')) process.stderr.write(`ainative: ${line}\n`);
    return error.exitCode;
  }
  process.stderr.write(`ainative: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT.internal;
}
