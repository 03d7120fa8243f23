import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { EXIT, EXIT_CODES } from '../core/errors.js';
import { OTHER_ENVIRONMENT, SETTINGS } from '../core/project/settings.js';
import { BUILD_EXAMPLES, environmentHelp, withHelpSections } from './help-text.js';

describe('help sections', () => {
  it('list every environment variable the settings table declares, and the others ainative reads', () => {
    const declared = Object.values(SETTINGS).flatMap((setting) => ('env' in setting && setting.env ? [setting.env] : []));
    expect(environmentHelp().map(([name]) => name)).toEqual([...declared, ...Object.keys(OTHER_ENVIRONMENT)]);
    expect(declared).toEqual(expect.arrayContaining(['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'AINATIVE_MODEL']));
  });

  it('show every exit code with its meaning, wrapped to the help width, and the examples, on the command given only', () => {
    const program = new Command('ainative');
    const build = program.command('build').option('--frozen', 'cache only');
    const status = program.command('status');
    withHelpSections(build, BUILD_EXAMPLES).configureOutput({ getOutHelpWidth: () => 80 });
    const help = build.helpInformation();
    expect(help).toMatch(/^Environment:\n {2}AINATIVE_MODEL +model name; --model wins over it/m);
    for (const { code } of Object.values(EXIT_CODES)) expect(help).toMatch(new RegExp(`^  ${code} +\\S`, 'm'));
    expect(help).toContain(
      '  7    --frozen and a reply is not in .ainative/cache (the message names the\n       intent); nothing is written',
    );
    expect(help).toContain(`Examples:\n  # ${BUILD_EXAMPLES[0]!.does}\n  ${BUILD_EXAMPLES[0]!.run}\n`);
    expect(
      Math.max(
        ...help
          .split('\n')
          .filter((line) => !line.includes('ainative build'))
          .map((line) => line.length),
      ),
    ).toBeLessThanOrEqual(80);
    expect(status.helpInformation()).not.toContain('Exit codes:');
  });

  it('give every exit code a meaning, in code order', () => {
    const codes = Object.values(EXIT_CODES).map(({ code }) => code);
    expect(codes).toEqual([...codes].sort((a, b) => a - b));
    expect(new Set(Object.values(EXIT)).size).toBe(codes.length);
  });
});
