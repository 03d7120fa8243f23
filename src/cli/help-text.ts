// The sections ainative adds below commander's help: the environment variables it reads (from the settings table),
// its exit codes (from EXIT_CODES) and examples.
import { Help, type Command } from 'commander';
import { EXIT_CODES } from '../core/errors.js';
import { OTHER_ENVIRONMENT, SETTINGS, settingOf, type SettingKey } from '../core/project/settings.js';

/** One example: what it does, and the command line. */
export interface HelpExample {
  does: string;
  run: string;
}

/** Examples under `ainative --help`. */
export const PROGRAM_EXAMPLES: readonly HelpExample[] = [
  { does: 'scaffold a project here, with an example intent and its test', run: 'ainative init' },
  { does: 'build every stale intent with an OpenAI model', run: 'OPENAI_API_KEY=sk-... ainative build' },
  { does: 'fresh or stale per intent, and why', run: 'ainative status' },
  { does: 'the CI gate: fail on drift, then run every test once; never calls a model', run: 'ainative check' },
];

/** Examples under `ainative build --help`. */
export const BUILD_EXAMPLES: readonly HelpExample[] = [
  {
    does: 'a local model (Ollama), with prompts sized for its context',
    run: 'OPENAI_BASE_URL=http://127.0.0.1:11434/v1 AINATIVE_MODEL=qwen2.5-coder ainative build --max-prompt-tokens 8000',
  },
  { does: 'only what changes since HEAD touch, committed with provenance trailers', run: 'ainative build --changed --commit' },
  { does: 'CI: replay .ainative/cache only, never asking a model', run: 'ainative build --frozen' },
  { does: 'at most 6 attempts per intent and 10 minutes for the whole build', run: 'ainative build --max-attempts 6 --timeout 10m' },
];

/** Adds the environment, exit-code and example sections to `command`'s help (not to its subcommands'). */
export function withHelpSections(command: Command, examples: readonly HelpExample[]): Command {
  return command.configureHelp({
    formatHelp: (cmd, helper) => [Help.prototype.formatHelp.call(helper, cmd, helper), ...helpSections(helper, examples)].join('\n'),
  });
}

/** The added sections, wrapped to the help's width. */
function helpSections(helper: Help, examples: readonly HelpExample[]): string[] {
  const section = (title: string, items: Array<[string, string]>) => {
    const width = Math.max(...items.map(([term]) => term.length));
    return helper.formatItemList(
      title,
      items.map(([term, text]) => helper.formatItem(term, width, plain(text), helper)),
      helper,
    );
  };
  const codes = Object.values(EXIT_CODES).map(({ code, meaning }): [string, string] => [String(code), meaning]);
  const shown = examples.flatMap(({ does, run }) => [`  # ${does}`, `  ${run}`]);
  return [
    ...section('Environment:', environmentHelp()),
    ...section('Exit codes:', codes),
    ...helper.formatItemList('Examples:', shown, helper),
  ];
}

/** Each environment variable ainative reads, with what it sets: the settings' own first, in table order. */
export function environmentHelp(): Array<[string, string]> {
  const settings = (Object.keys(SETTINGS) as SettingKey[]).flatMap((key): Array<[string, string]> => {
    const setting = settingOf(key);
    if (!setting.env) return [];
    const flag = 'flag' in setting && setting.flag ? `; ${setting.flag.split(' ')[0]} wins over it` : '';
    const file = setting.file ? `; it wins over "${key}" in ainative.config.json` : '';
    return [[setting.env, `${setting.description}${flag}${file}`]];
  });
  return [...settings, ...Object.entries(OTHER_ENVIRONMENT)];
}

/** Markdown's backticks do not belong on a terminal. */
function plain(text: string): string {
  return text.replace(/`/g, '');
}
