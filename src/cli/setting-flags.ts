import { InvalidArgumentError, Option, type Command } from 'commander';
import { InputError } from '../core/errors.js';
import { flagHelp, settingOf, type Config, type SettingKey } from '../core/project/settings.js';

/** Adds the flags of `keys` to `command` as SETTINGS declares them; `reworded` gives a description for this command. */
export function addSettingFlags(
  command: Command,
  keys: readonly SettingKey[],
  reworded: Partial<Record<SettingKey, string>> = {},
): Command {
  for (const key of keys) for (const option of optionsOf(key, reworded[key])) command.addOption(option);
  return command;
}

/** The settings the parsed flags chose. Two flags of one setting (`--frozen --no-cache`) are a usage error. */
export function settingsFromFlags(parsed: Record<string, unknown>, keys: readonly SettingKey[]): Partial<Config> {
  const values: Record<string, unknown> = {};
  for (const key of keys) {
    const setting = settingOf(key);
    if ('switches' in setting) {
      const given = setting.switches.filter((choice) => switchGiven(parsed, choice.flag));
      if (given.length > 1) throw new InputError(`${given.map((choice) => choice.flag).join(' and ')} contradict each other; pass one`);
      if (given[0]) values[key] = given[0].value;
    } else if (setting.flag) {
      const found = parsed[new Option(setting.flag).attributeName()];
      if (found !== undefined) values[key] = found;
    }
  }
  return values as Partial<Config>;
}

function optionsOf(key: SettingKey, reworded: string | undefined): Option[] {
  const setting = settingOf(key);
  if ('switches' in setting)
    return setting.switches.map(
      (choice) => new Option(choice.flag, setting.switches.length === 1 ? (reworded ?? choice.description) : choice.description),
    );
  if (!setting.flag) return [];
  const option = new Option(setting.flag, flagHelp(key, reworded));
  const { type } = setting;
  // commander checks choices itself and lists them in the help and in its error.
  if (type.choices) return [option.choices(type.choices as string[])];
  return [
    option.argParser((text: string) => {
      const parsed = type.fromText(text);
      if (parsed === undefined) throw new InvalidArgumentError(`expected ${type.expected}`);
      return parsed;
    }),
  ];
}

/** A switch was given: `--frozen` sets its attribute to true, `--no-cache` sets its attribute (`cache`) to false. */
function switchGiven(parsed: Record<string, unknown>, flag: string): boolean {
  const option = new Option(flag);
  return parsed[option.attributeName()] === !option.negate;
}
