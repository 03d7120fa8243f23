import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, resolveConfig, settingsFromEnv, validateConfigFile } from './config.js';

describe('validateConfigFile', () => {
  it('accepts every known key and drops $schema', () => {
    const data = {
      $schema: './schema.json',
      model: 'gpt-4.1',
      baseUrl: 'http://localhost:11434/v1',
      maxAttempts: 6,
      intentsDir: 'specs',
      requestTimeoutMs: 1_000,
    };
    expect(validateConfigFile(data)).toEqual({
      values: { model: 'gpt-4.1', baseUrl: 'http://localhost:11434/v1', maxAttempts: 6, intentsDir: 'specs', requestTimeoutMs: 1_000 },
      errors: [],
    });
  });

  it('names the file and an unknown key, listing the known ones', () => {
    const { errors } = validateConfigFile({ modle: 'gpt-4.1' });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^ainative\.config\.json: unknown key 'modle' \(known keys: model, baseUrl, maxAttempts, .*\)$/);
  });

  it('does not take an API key from the file, which is usually committed', () => {
    expect(validateConfigFile({ apiKey: 'sk-123' }).errors).toEqual([expect.stringContaining("unknown key 'apiKey'")]);
  });

  it('reports every value of the wrong type, one line each', () => {
    const result = validateConfigFile({ model: 42, baseUrl: '  ', maxAttempts: 0, requestTimeoutMs: 2.5, intentsDir: ['a'] });
    expect(result.errors).toEqual([
      "ainative.config.json: key 'model' must be a non-empty string",
      "ainative.config.json: key 'baseUrl' must be a non-empty string",
      "ainative.config.json: key 'maxAttempts' must be a positive integer",
      "ainative.config.json: key 'requestTimeoutMs' must be a positive integer",
      "ainative.config.json: key 'intentsDir' must be a non-empty string",
    ]);
    expect(result.values).toEqual({});
  });

  it('validates every key by the type SETTINGS declares for it', () => {
    expect(validateConfigFile({ sandbox: 'maybe', buildTimeoutMs: '10m', concurrency: 2, samples: 3 })).toEqual({
      values: { concurrency: 2, samples: 3 },
      errors: [
        "ainative.config.json: key 'sandbox' must be one of auto, required, off",
        "ainative.config.json: key 'buildTimeoutMs' must be a positive integer (milliseconds)",
      ],
    });
  });

  it('does not take flags-only settings from the file', () => {
    expect(validateConfigFile({ force: true }).errors).toEqual([expect.stringContaining("unknown key 'force'")]);
  });

  it('rejects a number given as a string', () => {
    expect(validateConfigFile({ maxAttempts: '3' }).errors).toEqual(["ainative.config.json: key 'maxAttempts' must be a positive integer"]);
  });

  it.each([[null], [[]], ['gpt-4.1']])('rejects %j as the whole file', (data) => {
    expect(validateConfigFile(data)).toEqual({ values: {}, errors: ['ainative.config.json: expected a JSON object'] });
  });
});

describe('settingsFromEnv', () => {
  it('reads the variables SETTINGS names, ignoring empty ones and everything else', () => {
    expect(settingsFromEnv({ AINATIVE_MODEL: 'gpt-env', OPENAI_BASE_URL: '', OPENAI_API_KEY: 'sk-1', AINATIVE_MAX_ATTEMPTS: '9' })).toEqual(
      { model: 'gpt-env', apiKey: 'sk-1' },
    );
  });
});

describe('resolveConfig', () => {
  it('uses the defaults when nothing is set', () => {
    expect(resolveConfig({ file: {}, env: {}, flags: {} })).toEqual({
      model: 'gpt-4o-mini',
      baseUrl: undefined,
      apiKey: undefined,
      maxAttempts: 4,
      intentsDir: 'intents',
      requestTimeoutMs: 300_000,
      testRunTimeoutMs: 60_000,
      concurrency: 4,
      samples: 1,
      shard: undefined,
      maxTokens: undefined,
      maxPromptTokens: 100_000,
      maxCost: undefined,
      promptPricePerMillion: undefined,
      completionPricePerMillion: undefined,
      buildTimeoutMs: undefined,
      sandbox: 'auto',
      cache: 'read-write',
      select: 'all',
      stage: false,
      commit: false,
      force: false,
      json: false,
      verbose: false,
      summary: undefined,
    });
  });

  it('lets flags win over environment, environment over the file, and the file over defaults', () => {
    const config = resolveConfig({
      file: { model: 'from-file', baseUrl: 'http://file', maxAttempts: 2, intentsDir: 'specs' },
      env: { model: 'from-env', baseUrl: 'http://env', apiKey: 'env-key' },
      flags: { model: 'from-flag', maxAttempts: 7 },
    });
    expect(config).toMatchObject({
      model: 'from-flag',
      baseUrl: 'http://env',
      apiKey: 'env-key',
      maxAttempts: 7,
      intentsDir: 'specs',
      requestTimeoutMs: DEFAULT_CONFIG.requestTimeoutMs,
    });
  });

  it('ignores a layer that leaves a key undefined', () => {
    const config = resolveConfig({ file: { model: 'from-file' }, env: { model: undefined }, flags: { model: undefined } });
    expect(config.model).toBe('from-file');
  });
});
