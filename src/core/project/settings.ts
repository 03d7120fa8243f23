import {
  amount,
  duration,
  nonEmptyText,
  oneOf,
  positiveAmount,
  positiveInteger,
  shardSpec,
  type Shard,
  type ValueType,
} from './setting-values.js';

// Every setting of ainative declared once: its flag, config-file key and environment variable, type, default and
// description. The commander options, the config-file validation, the help text and the Config type all derive
// from this table.

interface SettingCommon<T> {
  description: string;
  default?: T;
  /** Settable in ainative.config.json, under the setting's own name. */
  file?: boolean;
  /** The environment variable that sets it; an empty value counts as unset. */
  env?: string;
}

/** A setting given as a value: by a flag that takes one (`--max-attempts <n>`), the config file or the environment. */
export interface ValueSetting<T> extends SettingCommon<T> {
  type: ValueType<T>;
  flag?: string;
}

/** A setting chosen by flags without a value, each standing for one value (`--frozen`, `--no-cache`); at most one may be given. */
export interface SwitchSetting<T> extends SettingCommon<T> {
  switches: ReadonlyArray<{ flag: string; value: T; description: string }>;
}

type WithDefault<S, T> = S & { default: T };

function value<T>(setting: WithDefault<ValueSetting<T>, T>): WithDefault<ValueSetting<T>, T>;
function value<T>(setting: ValueSetting<T>): ValueSetting<T>;
function value<T>(setting: ValueSetting<T>): ValueSetting<T> {
  return setting;
}

function switches<T>(setting: WithDefault<SwitchSetting<T>, T>): WithDefault<SwitchSetting<T>, T> {
  return setting;
}

function onOff(flag: string, description: string) {
  return switches<boolean>({ description, default: false, switches: [{ flag, value: true, description }] });
}

export type SandboxMode = 'auto' | 'required' | 'off';
const SANDBOX_MODES: readonly SandboxMode[] = ['auto', 'required', 'off'];
/** Response cache: read-write (default), frozen (cache only; a miss is an error) or off. */
export type CacheMode = 'read-write' | 'frozen' | 'off';
/** Which intents a build takes on: all, or those touched by changes since HEAD, or by staged changes. */
export type Selection = 'all' | 'changed' | 'staged';

/** The table, in the order `ainative build --help` lists the flags. */
// biome-ignore format: a table, one setting a line.
export const SETTINGS = {
  model: value({ type: nonEmptyText, flag: '--model <name>', description: 'model name', default: 'gpt-4o-mini', file: true, env: 'AINATIVE_MODEL' }),
  baseUrl: value({ type: nonEmptyText, description: 'OpenAI-compatible endpoint (default: OpenAI)', file: true, env: 'OPENAI_BASE_URL' }),
  // Never from the file, which is usually committed.
  apiKey: value({ type: nonEmptyText, description: 'API key of the endpoint', env: 'OPENAI_API_KEY' }),
  maxAttempts: value({ type: positiveInteger, flag: '--max-attempts <n>', description: 'attempts per intent', default: 4, file: true }),
  intentsDir: value({ type: nonEmptyText, description: 'folder of the intent files', default: 'intents', file: true }),
  // 5 minutes: long replies from slow local models.
  requestTimeoutMs: value({ type: positiveInteger, description: 'time limit of one model request, in ms', default: 300_000, file: true }),
  // 1 minute a run: generous for unit tests, short enough to stop an endless loop.
  testRunTimeoutMs: value({ type: positiveInteger, description: 'time limit of one test run, in ms', default: 60_000, file: true }),
  // Small by default, to stay under providers' rate limits.
  concurrency: value({ type: positiveInteger, flag: '--concurrency <n>', description: 'intents built at once, model calls in parallel', default: 4, file: true }),
  samples: value({ type: positiveInteger, flag: '--samples <n>', description: 'best-of-n: candidates per attempt, keeping the one passing the most tests', default: 1, file: true }),
  shard: value<Shard>({ type: shardSpec, flag: '--shard <i/n>', description: 'build only shard i of n (for CI matrices); each shard also builds what its intents use' }),
  maxTokens: value({ type: positiveInteger, flag: '--max-tokens <n>', description: 'total prompt + completion tokens the build may spend', file: true }),
  // Under the 128k-token context of current OpenAI models, with room for the reply; local models need it lower.
  maxPromptTokens: value({ type: positiveInteger, flag: '--max-prompt-tokens <n>', description: 'largest first prompt of an intent, in estimated tokens; a larger one stops the build before any model call', default: 100_000, file: true }),
  maxCost: value({ type: positiveAmount, flag: '--max-cost <amount>', description: 'what the build may spend, in the currency of the prices (needs both prices)', file: true }),
  promptPricePerMillion: value({ type: amount, flag: '--prompt-price <amount>', description: 'price of a million prompt tokens, to report cost', file: true }),
  completionPricePerMillion: value({ type: amount, flag: '--completion-price <amount>', description: 'price of a million completion tokens, to report cost', file: true }),
  buildTimeoutMs: value({ type: duration, flag: '--timeout <duration>', description: 'wall-clock budget for the whole build, e.g. 90s, 10m, 1h', file: true }),
  sandbox: value<SandboxMode>({ type: oneOf(SANDBOX_MODES), flag: '--sandbox <mode>', description: 'run tests under bubblewrap: auto, required or off', default: 'auto', file: true }),
  cache: switches<CacheMode>({
    description: 'how the response cache in .ainative/cache is used',
    default: 'read-write',
    switches: [
      { flag: '--frozen', value: 'frozen', description: 'use only replies from .ainative/cache; a miss is an error (exit 7) and nothing is written' },
      { flag: '--no-cache', value: 'off', description: 'neither read nor write .ainative/cache' },
    ],
  }),
  select: switches<Selection>({
    description: 'which intents the build takes on',
    default: 'all',
    switches: [
      { flag: '--changed', value: 'changed', description: 'build only intents touched by changes since HEAD (and what depends on them)' },
      { flag: '--staged', value: 'staged', description: 'build only intents touched by staged changes (the pre-commit hook)' },
    ],
  }),
  stage: onOff('--stage', 'git add the files the build wrote (modules, lock, cache entries)'),
  commit: onOff('--commit', 'commit the files the build wrote, with Ainative-Intent/-Model/-Attempts trailers'),
  force: onOff('--force', 'overwrite generated modules that were edited by hand'),
  json: onOff('--json', 'print one JSON document on stdout instead of progress'),
  verbose: onOff('--verbose', 'stream every attempt (messages sent, reply, feedback) to stderr'),
  summary: value({ type: nonEmptyText, flag: '--summary <file>', description: 'write a Markdown table of the build to <file>; in GitHub Actions every build also appends it to the job summary' }),
} as const;

/** Environment variables ainative reads that set no setting, with what they do; `--help` lists them after the settings' own. */
export const OTHER_ENVIRONMENT: Readonly<Record<string, string>> = { NO_COLOR: 'set: plain output without colour, also on a terminal' };

type Table = typeof SETTINGS;
export type SettingKey = keyof Table;
type ValueOf<S> = S extends ValueSetting<infer T> ? T : S extends SwitchSetting<infer T> ? T : never;

/** Every setting after flags, environment, file and defaults were applied; a setting without a default may be unset. */
export type Config = {
  -readonly [K in SettingKey]: Table[K] extends { default: unknown } ? ValueOf<Table[K]> : ValueOf<Table[K]> | undefined;
};

/** One setting's declaration. */
export function settingOf(key: SettingKey): ValueSetting<unknown> | SwitchSetting<unknown> {
  return SETTINGS[key] as ValueSetting<unknown> | SwitchSetting<unknown>;
}

/** The settings a flag can set, in help order. */
export const FLAG_SETTINGS: readonly SettingKey[] = (Object.keys(SETTINGS) as SettingKey[]).filter((key) => {
  const setting = settingOf(key);
  return 'switches' in setting || setting.flag !== undefined;
});

/** A value flag's help text: its description and where its default comes from. */
export function flagHelp(key: SettingKey, description?: string): string {
  const setting = settingOf(key);
  const text = description ?? setting.description;
  if (setting.env)
    return `${text} (default: ${[setting.env, setting.file ? 'config' : undefined, setting.default].filter(Boolean).join(', ')})`;
  return setting.default === undefined || 'switches' in setting ? text : `${text} (default ${String(setting.default)})`;
}
