import { SETTINGS, settingOf, type Config, type SettingKey } from './settings.js';

export type { Config } from './settings.js';

export const CONFIG_FILE = 'ainative.config.json';

const KEYS = Object.keys(SETTINGS) as SettingKey[];
/** The keys `ainative.config.json` may hold, as declared in SETTINGS. */
const FILE_KEYS = KEYS.filter((key) => settingOf(key).file === true);

/** Every setting's default (undefined where there is none). */
export const DEFAULT_CONFIG = Object.fromEntries(KEYS.map((key) => [key, settingOf(key).default])) as Config;

/** Checks the JSON of `ainative.config.json`; one line per problem, naming the file and key. */
export function validateConfigFile(data: unknown): { values: Partial<Config>; errors: string[] } {
  const errors: string[] = [];
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { values: {}, errors: [`${CONFIG_FILE}: expected a JSON object`] };
  }
  const values: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(data)) {
    if (key === '$schema') continue;
    if (!FILE_KEYS.includes(key as SettingKey)) {
      errors.push(`${CONFIG_FILE}: unknown key '${key}' (known keys: ${FILE_KEYS.join(', ')})`);
      continue;
    }
    const setting = settingOf(key as SettingKey);
    const parsed = 'type' in setting ? setting.type.fromJson(raw) : undefined;
    if (parsed === undefined)
      errors.push(
        `${CONFIG_FILE}: key '${key}' must be ${'type' in setting ? (setting.type.expectedJson ?? setting.type.expected) : 'set by a flag'}`,
      );
    else values[key] = parsed;
  }
  return { values: values as Partial<Config>, errors };
}

/** The settings the environment gives (their variables are named in SETTINGS); empty or invalid values are ignored. */
export function settingsFromEnv(env: Readonly<Record<string, string | undefined>>): Partial<Config> {
  const values: Record<string, unknown> = {};
  for (const key of KEYS) {
    const setting = settingOf(key);
    const text = setting.env ? env[setting.env] : undefined;
    if (text === undefined || text === '' || !('type' in setting)) continue;
    const parsed = setting.type.fromText(text);
    if (parsed !== undefined) values[key] = parsed;
  }
  return values as Partial<Config>;
}

/** Flags win over environment, environment over the file, the file over defaults. */
export function resolveConfig(layers: { file: Partial<Config>; env: Partial<Config>; flags: Partial<Config> }): Config {
  const pick = (key: SettingKey) => layers.flags[key] ?? layers.env[key] ?? layers.file[key] ?? DEFAULT_CONFIG[key];
  return Object.fromEntries(KEYS.map((key) => [key, pick(key)])) as Config;
}
