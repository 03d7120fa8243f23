import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.js';
import { FLAG_SETTINGS } from '../core/project/settings.js';
import { addSettingFlags, settingsFromFlags } from './setting-flags.js';

/** Parses `args` the way `ainative build` does, with commander's errors thrown instead of printed. */
function parseBuild(args: string[]) {
  const command = addSettingFlags(new Command('build').exitOverride().configureOutput({ writeErr: () => {} }), FLAG_SETTINGS);
  command.parse(args, { from: 'user' });
  return settingsFromFlags(command.opts(), FLAG_SETTINGS);
}

describe('build flags derived from SETTINGS', () => {
  it('lists every build flag in the help, each once, in the order of the table', () => {
    const help = addSettingFlags(new Command('build'), FLAG_SETTINGS).helpInformation();
    const flags = [...help.matchAll(/^\s+(--[\w-]+)/gm)].map((match) => match[1]);
    expect(flags).toEqual([
      '--model',
      '--max-attempts',
      '--concurrency',
      '--samples',
      '--shard',
      '--max-tokens',
      '--max-prompt-tokens',
      '--max-cost',
      '--prompt-price',
      '--completion-price',
      '--timeout',
      '--sandbox',
      '--frozen',
      '--no-cache',
      '--changed',
      '--staged',
      '--stage',
      '--commit',
      '--force',
      '--json',
      '--verbose',
      '--summary',
    ]);
    expect(help.replace(/\s+/g, ' ')).toContain('model name (default: AINATIVE_MODEL, config, gpt-4o-mini)');
    expect(help).toContain('attempts per intent (default 4)');
  });

  it('maps each flag to the setting it declares, parsed to its type', () => {
    expect(
      parseBuild(['--model', 'gpt-x', '--timeout', '10m', '--shard', '2/4', '--max-tokens', '500', '--frozen', '--staged', '--force']),
    ).toEqual({
      model: 'gpt-x',
      buildTimeoutMs: 600_000,
      shard: { index: 2, count: 4 },
      maxTokens: 500,
      cache: 'frozen',
      select: 'staged',
      force: true,
    });
    expect(parseBuild(['--no-cache'])).toEqual({ cache: 'off' });
    expect(parseBuild(['--max-cost', '0.5', '--prompt-price', '0.15', '--completion-price', '0'])).toEqual({
      maxCost: 0.5,
      promptPricePerMillion: 0.15,
      completionPricePerMillion: 0,
    });
    expect(parseBuild([])).toEqual({});
  });

  it.each([
    [['--model', ''], "option '--model <name>' argument '' is invalid. expected a non-empty string"],
    [['--max-attempts', '0'], 'expected a positive integer'],
    [['--shard', '3/2'], 'expected i/n with 1 <= i <= n'],
    [['--timeout', 'soon'], 'expected a duration such as 90s, 10m or 1h'],
    [['--sandbox', 'maybe'], 'Allowed choices are auto, required, off'],
    [['--max-cost', '0'], 'expected a number above 0 (e.g. 0.50)'],
    [['--prompt-price', '-1'], 'expected a number, 0 or more (e.g. 0.15)'],
    [['--completion-price', '1e3'], 'expected a number, 0 or more (e.g. 0.15)'],
  ])('rejects %j as a usage error', (args, message) => {
    expect(() => parseBuild(args)).toThrow(message);
  });

  it('refuses two flags of one setting together', () => {
    expect(() => parseBuild(['--frozen', '--no-cache'])).toThrow(new InputError('--frozen and --no-cache contradict each other; pass one'));
    expect(() => parseBuild(['--changed', '--staged'])).toThrow(new InputError('--changed and --staged contradict each other; pass one'));
  });
});
