import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/core/errors.js';
import { FLAG_SETTINGS, SETTINGS, settingOf } from '../src/core/project/settings.js';
import { exitCodesMarkdown, readmeWithTables, settingsMarkdown } from './readme-tables.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe("the README's generated tables", () => {
  it('are the ones the code declares (npm run readme rewrites them)', () => {
    expect(README).toContain(`<!-- exit-codes:begin -->\n${exitCodesMarkdown()}\n<!-- exit-codes:end -->`);
    expect(README).toContain(`<!-- settings:begin -->\n${settingsMarkdown()}\n<!-- settings:end -->`);
    expect(readmeWithTables(README)).toBe(README);
  });

  it('are rewritten in place, leaving the rest of the README as it was', () => {
    const stale =
      '# t\n<!-- exit-codes:begin -->\n| old |\n<!-- exit-codes:end -->\nmid\n<!-- settings:begin -->\n<!-- settings:end -->\n## Next\n';
    expect(readmeWithTables(stale)).toBe(
      `# t\n<!-- exit-codes:begin -->\n${exitCodesMarkdown()}\n<!-- exit-codes:end -->\nmid\n<!-- settings:begin -->\n${settingsMarkdown()}\n<!-- settings:end -->\n## Next\n`,
    );
  });

  it('refuse a README that lost a table’s markers, naming them', () => {
    expect(() => readmeWithTables('# t\n<!-- settings:begin -->\n<!-- settings:end -->\n')).toThrow('<!-- exit-codes:begin -->');
  });
});

describe('the exit-code table', () => {
  it('has one row per exit code, in code order, with its meaning', () => {
    const rows = exitCodesMarkdown().split('\n').slice(2);
    expect(rows).toEqual(Object.values(EXIT_CODES).map(({ code, meaning }) => `| ${code} | ${meaning} |`));
  });
});

describe('the settings table', () => {
  const rows = settingsMarkdown().split('\n').slice(2);

  it('has one row per setting, naming every flag, config key and environment variable once', () => {
    expect(rows).toHaveLength(Object.keys(SETTINGS).length);
    const text = rows.join('\n');
    for (const key of FLAG_SETTINGS) {
      const setting = settingOf(key);
      const flags = 'switches' in setting ? setting.switches.map((choice) => choice.flag) : [setting.flag!];
      for (const flag of flags) expect(text).toContain(`\`${flag}\``);
    }
    expect(rows.find((row) => row.includes('`OPENAI_API_KEY`'))).toMatch(/^\| {2}\| {2}\| `OPENAI_API_KEY` \| none \|/);
    expect(rows.find((row) => row.includes('`--max-attempts <n>`'))).toMatch(
      /^\| `--max-attempts <n>` \| `maxAttempts` \| {2}\| `4` \| attempts per intent \|$/,
    );
  });

  it('spells out each switch of a choice between flags', () => {
    const cache = rows.find((row) => row.includes('`--frozen`'))!;
    expect(cache).toContain('`--frozen` / `--no-cache`');
    expect(cache).toContain('`--no-cache` neither read nor write .ainative/cache');
    expect(rows.find((row) => row.includes('`--force`'))).toMatch(/\| off \| overwrite generated modules that were edited by hand \|$/);
  });
});
