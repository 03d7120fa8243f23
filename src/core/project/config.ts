/** Settings from `ainative.config.json`, environment and flags, after validation. */
export interface Config {
  model: string;
  /** OpenAI-compatible endpoint; undefined means OpenAI itself. */
  baseUrl: string | undefined;
  apiKey: string | undefined;
  maxAttempts: number;
  intentsDir: string;
  /** Per model request. */
  requestTimeoutMs: number;
  /** Run the tests under bubblewrap: when available (auto), always (required: refuse without it), never (off). */
  sandbox: SandboxMode;
  /** Per test run; on timeout the test process group is killed. */
  testRunTimeoutMs: number;
  /** Total tokens the build may spend; undefined for no limit. */
  maxTokens: number | undefined;
  /** Wall-clock budget of the whole build; undefined for no limit. */
  buildTimeoutMs: number | undefined;
  /** Best-of-n: candidates per attempt, the one passing the most tests kept. */
  samples: number;
  /** Intents built at once; their model calls overlap. Small by default, to stay under providers' rate limits. */
  concurrency: number;
  /** Response cache: read-write (default), frozen (cache only; a miss is an error) or off. */
  cache: 'read-write' | 'frozen' | 'off';
}

export type SandboxMode = 'auto' | 'required' | 'off';
export const SANDBOX_MODES: readonly SandboxMode[] = ['auto', 'required', 'off'];

export const CONFIG_FILE = 'ainative.config.json';
export const DEFAULT_CONFIG = {
  model: 'gpt-4o-mini',
  maxAttempts: 4,
  intentsDir: 'intents',
  requestTimeoutMs: 300_000, // 5 minutes: long replies from slow local models
  sandbox: 'auto',
  testRunTimeoutMs: 60_000, // 1 minute a run: generous for unit tests, short enough to stop an endless loop
  cache: 'read-write',
  concurrency: 4,
  samples: 1,
} as const;

const FILE_KEYS: Record<string, 'string' | 'positiveInteger' | 'sandbox'> = {
  $schema: 'string',
  model: 'string',
  baseUrl: 'string',
  maxAttempts: 'positiveInteger',
  intentsDir: 'string',
  requestTimeoutMs: 'positiveInteger',
  sandbox: 'sandbox',
  testRunTimeoutMs: 'positiveInteger',
  maxTokens: 'positiveInteger',
  buildTimeoutMs: 'positiveInteger',
  concurrency: 'positiveInteger',
  samples: 'positiveInteger',
};

/** Checks the JSON of `ainative.config.json`; one line per problem, naming the file and key. */
export function validateConfigFile(data: unknown): { values: Partial<Config>; errors: string[] } {
  const errors: string[] = [];
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { values: {}, errors: [`${CONFIG_FILE}: expected a JSON object`] };
  }
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    const kind = FILE_KEYS[key];
    if (!kind) errors.push(`${CONFIG_FILE}: unknown key '${key}' (known keys: ${Object.keys(FILE_KEYS).filter((k) => k !== '$schema').join(', ')})`);
    else if (kind === 'string' && (typeof value !== 'string' || value.trim() === '')) errors.push(`${CONFIG_FILE}: key '${key}' must be a non-empty string`);
    else if (kind === 'positiveInteger' && !(Number.isInteger(value) && (value as number) > 0)) errors.push(`${CONFIG_FILE}: key '${key}' must be a positive integer`);
    else if (kind === 'sandbox' && !SANDBOX_MODES.includes(value as SandboxMode)) errors.push(`${CONFIG_FILE}: key '${key}' must be one of ${SANDBOX_MODES.join(', ')}`);
    else if (key !== '$schema') values[key] = value;
  }
  return { values: values as Partial<Config>, errors };
}

/** Flags win over environment, environment over the file, the file over defaults. */
export function resolveConfig(layers: { file: Partial<Config>; env: Partial<Config>; flags: Partial<Config> }): Config {
  const pick = <K extends keyof Config>(key: K): Config[K] | undefined => layers.flags[key] ?? layers.env[key] ?? layers.file[key];
  return {
    model: pick('model') ?? DEFAULT_CONFIG.model,
    baseUrl: pick('baseUrl'),
    apiKey: pick('apiKey'),
    maxAttempts: pick('maxAttempts') ?? DEFAULT_CONFIG.maxAttempts,
    intentsDir: pick('intentsDir') ?? DEFAULT_CONFIG.intentsDir,
    requestTimeoutMs: pick('requestTimeoutMs') ?? DEFAULT_CONFIG.requestTimeoutMs,
    sandbox: pick('sandbox') ?? DEFAULT_CONFIG.sandbox,
    testRunTimeoutMs: pick('testRunTimeoutMs') ?? DEFAULT_CONFIG.testRunTimeoutMs,
    maxTokens: pick('maxTokens'),
    buildTimeoutMs: pick('buildTimeoutMs'),
    cache: layers.flags.cache ?? DEFAULT_CONFIG.cache,
    concurrency: pick('concurrency') ?? DEFAULT_CONFIG.concurrency,
    samples: pick('samples') ?? DEFAULT_CONFIG.samples,
  };
}
