import { afterEach, describe, expect, it } from 'vitest';
import { createTempDir, type TempDir } from '../../../test/helpers/temp-repo.js';
import { collectSecrets, parseEnvFile } from './secrets.js';

let dirs: TempDir[] = [];

afterEach(() => {
  for (const dir of dirs) dir.cleanup();
  dirs = [];
});

async function repo(files: Record<string, string>): Promise<string> {
  const dir = createTempDir(files);
  dirs.push(dir);
  return dir.root;
}

describe('collectSecrets: environment', () => {
  it('takes the values of secret-named variables and skips obvious non-secrets', async () => {
    const root = await repo({});
    const env = {
      OPENAI_API_KEY: 'sk-test-openai-value',
      GITHUB_TOKEN: 'gh-token-value',
      DB_PASSWORD: 'correcthorsebattery',
      AWS_SECRET_ACCESS_KEY: 'aws/secret+value',
      KEY_VAULT_NAME: 'vault-name-1',
      NPM_PAT: 'npm-pat-value',
      SHORT_TOKEN: 'abc',
      ENABLE_SECRET_SCAN: 'true',
      TOKEN_LIMIT: '4096',
      TOKEN_RATIO: '0.75',
      SECRET_DIR: '/run/secrets/app',
      HOME: '/root',
      EDITOR: 'vim-with-plugins',
      UNSET_TOKEN: undefined,
    };
    const { secrets } = await collectSecrets(root, env);
    expect(secrets).toEqual([
      { name: 'OPENAI_API_KEY', value: 'sk-test-openai-value' },
      { name: 'GITHUB_TOKEN', value: 'gh-token-value' },
      { name: 'DB_PASSWORD', value: 'correcthorsebattery' },
      { name: 'AWS_SECRET_ACCESS_KEY', value: 'aws/secret+value' },
      { name: 'KEY_VAULT_NAME', value: 'vault-name-1' },
      { name: 'NPM_PAT', value: 'npm-pat-value' },
    ]);
  });
});

describe('collectSecrets: .env files', () => {
  it('takes every value from .env files at the root and one folder down, but not deeper or in node_modules', async () => {
    const root = await repo({
      '.env': 'DATABASE_URL=postgres://app:pw-123@db/app\nSTRIPE_SECRET=stripe-value-1\n',
      '.env.local': 'export LOCAL_ONLY="local value 1"\n',
      'apps/.env.production': 'SENTRY_DSN=https://abc@sentry.example/1\n',
      'apps/web/.env': 'TOO_DEEP=too-deep-value\n',
      'node_modules/.env': 'IN_DEPS=deps-value-123\n',
    });
    const { secrets } = await collectSecrets(root, {});
    expect(secrets).toEqual([
      { name: 'DATABASE_URL', value: 'postgres://app:pw-123@db/app' },
      { name: 'STRIPE_SECRET', value: 'stripe-value-1' },
      { name: 'LOCAL_ONLY', value: 'local value 1' },
      { name: 'SENTRY_DSN', value: 'https://abc@sentry.example/1' },
    ]);
  });

  it('skips plain words under innocent names but keeps them under secret names, and keeps each value once', async () => {
    const root = await repo({
      '.env': 'NODE_ENV=development\nLOG_LEVEL=verbose\nADMIN_PASSWORD=swordfishes\nDUPLICATE=already-in-env\nPORT=3000\n',
    });
    const { secrets } = await collectSecrets(root, { API_TOKEN: 'already-in-env' });
    expect(secrets).toEqual([
      { name: 'API_TOKEN', value: 'already-in-env' },
      { name: 'ADMIN_PASSWORD', value: 'swordfishes' },
    ]);
  });
});

describe('collectSecrets: secret files', () => {
  it('lists secret files anywhere in the repo, repo-relative and sorted, outside node_modules and .git', async () => {
    const root = await repo({
      '.env': '',
      'apps/web/.env.local': '',
      'certs/server.pem': '',
      'deploy/keys/id_ed25519': '',
      '.npmrc': '',
      'src/index.ts': '',
      'src/env.ts': '',
      'node_modules/pkg/test.pem': '',
      '.git/config.key': '',
    });
    const { secretFiles } = await collectSecrets(root, {});
    expect(secretFiles).toEqual(['.env', '.npmrc', 'apps/web/.env.local', 'certs/server.pem', 'deploy/keys/id_ed25519']);
  });
});

describe('parseEnvFile', () => {
  it('parses bare, quoted, exported and commented lines as dotenv does', () => {
    const text = [
      '# a comment',
      'BARE=plain value # trailing comment',
      'export EXPORTED=yes-exported',
      "SINGLE='single # not a comment'",
      'DOUBLE="line1\\nline2"',
      'BACKTICK=`tick`',
      '  INDENTED = spaced  ',
      'EMPTY=',
      'MULTI="first',
      'second"',
      'not a line',
      'WINDOWS=crlf\r',
    ].join('\n');
    expect(parseEnvFile(text)).toEqual({
      BARE: 'plain value',
      EXPORTED: 'yes-exported',
      SINGLE: 'single # not a comment',
      DOUBLE: 'line1\nline2',
      BACKTICK: 'tick',
      INDENTED: 'spaced',
      EMPTY: '',
      MULTI: 'first\nsecond',
      WINDOWS: 'crlf',
    });
  });
});
