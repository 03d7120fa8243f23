// The README's tables that restate what the code declares once: the exit codes (EXIT_CODES) and the settings
// (SETTINGS). `npm run readme` rewrites them between their markers; scripts/readme-tables.test.ts fails while they differ.
import { EXIT_CODES } from '../src/core/errors.js';
import { SETTINGS, settingOf, type SettingKey } from '../src/core/project/settings.js';

/** The generated tables, by the name their markers carry (`<!-- name:begin -->` … `<!-- name:end -->`). */
const TABLES = { 'exit-codes': exitCodesMarkdown, settings: settingsMarkdown } as const;

/** The exit codes and their meanings (Markdown). */
export function exitCodesMarkdown(): string {
  const rows = Object.values(EXIT_CODES).map(({ code, meaning }) => `| ${code} | ${cell(meaning)} |`);
  return ['| code | meaning |', '|---|---|', ...rows].join('\n');
}

/** Every setting: its flag, config-file key, environment variable, default and what it does (Markdown). */
export function settingsMarkdown(): string {
  const rows = (Object.keys(SETTINGS) as SettingKey[]).map((key) => {
    const setting = settingOf(key);
    const flags =
      'switches' in setting ? setting.switches.map((choice) => code(choice.flag)).join(' / ') : setting.flag ? code(setting.flag) : '';
    const does =
      'switches' in setting && setting.switches.length > 1
        ? `${setting.description}: ${setting.switches.map((choice) => `${code(choice.flag)} ${choice.description}`).join('; ')}`
        : 'switches' in setting
          ? setting.switches[0]!.description
          : setting.description;
    const file = setting.file ? code(key) : '';
    return `| ${flags} | ${file} | ${setting.env ? code(setting.env) : ''} | ${defaultOf(setting.default)} | ${cell(does)} |`;
  });
  return ['| flag | `ainative.config.json` | environment | default | what it does |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** `readme` with every generated table rewritten between its markers; a README without a table's markers is an error. */
export function readmeWithTables(readme: string): string {
  let text = readme;
  for (const [name, render] of Object.entries(TABLES)) {
    const begin = `<!-- ${name}:begin -->\n`;
    const end = `<!-- ${name}:end -->`;
    const from = text.indexOf(begin);
    const to = text.indexOf(end, from);
    if (from < 0 || to < 0) throw new Error(`README.md: no ${begin.trim()} … ${end} markers for the ${name} table`);
    text = `${text.slice(0, from + begin.length)}${render()}\n${text.slice(to)}`;
  }
  return text;
}

function defaultOf(value: unknown): string {
  if (value === undefined) return 'none';
  if (value === false) return 'off';
  return code(String(value));
}

function code(text: string): string {
  return `\`${text}\``;
}

/** Pipes would end a Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
