#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { AinativeError, EXIT } from '../core/errors.js';
import { FLAG_SETTINGS } from '../core/project/settings.js';
import { packageVersion } from '../adapters/project/package-files.js';
import { addSettingFlags, settingsFromFlags } from './setting-flags.js';
import { BUILD_EXAMPLES, PROGRAM_EXAMPLES, withHelpSections } from './help-text.js';
import { enableCompileCache } from '../adapters/runtime/compile-cache.js';

// The CLI only parses arguments, wires commands and prints; this file alone decides the exit code.

// Before the commands load: most of what a build runs is imported lazily from here on.
enableCompileCache();

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

const build = program
  .command('build')
  .description('regenerate every stale intent until its tests pass')
  .argument('[intents...]', 'build only these intents (ids) and what they use');
addSettingFlags(build, FLAG_SETTINGS).action(async (intents: string[], options: Record<string, unknown>) => {
  const flags = settingsFromFlags(options, FLAG_SETTINGS);
  const { runBuildCli } = await import('./print-build.js');
  process.exitCode = await runBuildCli({ cwd: process.cwd(), flags, intents, stdout: process.stdout, stderr: process.stderr });
});

const FIX_FLAGS = ['maxAttempts', 'commit', 'json', 'verbose'] as const;
const fix = program
  .command('fix')
  .description('turn open bug reports into failing regression tests, then fix their modules')
  .argument('[bug-files...]', 'bug files to fix (default: every open one)');
addSettingFlags(fix, FIX_FLAGS, {
  maxAttempts: 'attempts per bug and per module',
  commit: 'commit each fix with its regression test and a Fixes: trailer',
}).action(async (files: string[], options: Record<string, unknown>) => {
  const { runBuildCli } = await import('./print-build.js');
  process.exitCode = await runBuildCli({
    cwd: process.cwd(),
    flags: settingsFromFlags(options, FIX_FLAGS),
    fix: files,
    stdout: process.stdout,
    stderr: process.stderr,
  });
});

const STATUS_FLAGS = ['model', 'json'] as const;
const status = program
  .command('status')
  .description('show each intent as fresh or stale, and why, without calling a model')
  .argument('[intents...]', 'only these intents (ids) and what they use');
addSettingFlags(status, STATUS_FLAGS, {
  model: 'model name to compare against the lock',
  json: 'print one JSON document on stdout',
}).action(async (intents: string[], options: Record<string, unknown>) => {
  const { model, json } = settingsFromFlags(options, STATUS_FLAGS);
  const { runStatus } = await import('./print-status.js');
  process.exitCode = await runStatus(process.cwd(), { model }, { intents, json: json ?? false }, process.stdout);
});

program
  .command('log')
  .description("show the last build's attempts: messages sent, replies and feedback (kept for the last few builds)")
  .argument('[intent]', 'only this intent (from the last build that worked on it)')
  .option('--attempt <n>', 'only attempt n', (text: string) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
    return n;
  })
  .option('--json', 'print one JSON document on stdout')
  .action(async (intent: string | undefined, options: { attempt?: number; json?: boolean }) => {
    const { runLog } = await import('./print-log.js');
    process.exitCode = await runLog({
      cwd: process.cwd(),
      intent,
      attempt: options.attempt,
      json: options.json ?? false,
      stdout: process.stdout,
    });
  });

program
  .command('report')
  .description('file a bug found after deployment as bugs/<date>-<slug>.md, or import GitHub issues as bug files')
  .argument('[intent-id]', 'the intent the bug is about')
  .argument('[text]', "what goes wrong ('-' reads stdin)")
  .option('--body-file <file>', "take the report from a file ('-' reads stdin)")
  .option('--source <url>', 'where the bug was reported, e.g. an issue URL')
  .option('--import <file>', 'import an export of gh issue list --json number,title,body,labels,url')
  .option('--json', 'print one JSON document on stdout')
  .action(
    async (
      intent: string | undefined,
      text: string | undefined,
      options: { bodyFile?: string; source?: string; import?: string; json?: boolean },
    ) => {
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
    },
  );

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

// After every subcommand exists: commander copies a help configuration into the subcommands created after it.
withHelpSections(program, PROGRAM_EXAMPLES);
withHelpSections(build, BUILD_EXAMPLES);

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
