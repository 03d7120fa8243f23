#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { AinativeError, EXIT } from '../core/errors.js';
import { packageVersion } from '../adapters/package-files.js';

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
  .option('--force', 'overwrite generated modules that were edited by hand')
  .option('--json', 'print one JSON document on stdout instead of progress')
  .action(async (options: { model?: string; maxAttempts?: number; force?: boolean; json?: boolean }) => {
    const { runBuildCli } = await import('./print-build.js');
    process.exitCode = await runBuildCli({
      cwd: process.cwd(),
      flags: { model: options.model, maxAttempts: options.maxAttempts },
      force: options.force ?? false,
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
