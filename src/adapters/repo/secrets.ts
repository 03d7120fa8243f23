import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { glob } from 'tinyglobby';
import { isSecretPath, MIN_SECRET_LENGTH, type KnownSecret } from '../../core/model/redact.js';
import { parse } from 'dotenv';

/** The secrets of one repo and its environment, for `redactSecrets`, and the files the model must never see. */
export interface CollectSecretsResult {
  secrets: KnownSecret[];
  /** Repo-relative, `/`-separated, sorted. */
  secretFiles: string[];
}

const SECRET_ENV_NAME = /(_KEY|KEY_|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|_PAT$|^OPENAI_API_KEY$)/i;
const NOT_SECRET_VALUE = /^(?:true|false|yes|no|on|off|null|undefined|none|-?\d+(?:\.\d+)?)$/i;
const PLAIN_WORD = /^[a-z]+$/;
const IGNORE = ['**/node_modules/**', '**/.git/**'];
// `.env*` files at the root and in its first-level folders (apps/web/.env, server/.env.local).
const ENV_FILE_PATTERNS = ['.env', '.env.*', '*/.env', '*/.env.*'];

/**
 * Collects the values of secret-named variables in `env` and every value in the repo's `.env*` files, plus the
 * repo's secret files (see `isSecretPath`). `env` is passed in: only the config loader reads `process.env`.
 */
export async function collectSecrets(root: string, env: NodeJS.ProcessEnv): Promise<CollectSecretsResult> {
  const secrets: KnownSecret[] = [];
  const seen = new Set<string>();
  const add = (name: string, value: string) => {
    if (seen.has(value) || !looksLikeSecretValue(value)) return;
    seen.add(value);
    secrets.push({ name, value });
  };
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && SECRET_ENV_NAME.test(name)) add(name, value);
  }
  const envFiles = await glob(ENV_FILE_PATTERNS, { cwd: root, dot: true, ignore: IGNORE });
  for (const file of envFiles.sort()) {
    const text = await readIfReadable(join(root, file));
    for (const [name, value] of Object.entries(parseEnvFile(text ?? ''))) {
      // .env files hold secrets under any name (DATABASE_URL=postgres://user:pass@...), so every value counts,
      // except a lone lowercase word under an innocent name (NODE_ENV=development, LOG_LEVEL=debug), which
      // would otherwise be blanked out of ordinary code.
      if (SECRET_ENV_NAME.test(name) || !PLAIN_WORD.test(value)) add(name, value);
    }
  }
  const all = await glob(['**/*'], { cwd: root, dot: true, ignore: IGNORE });
  return { secrets, secretFiles: all.filter(isSecretPath).sort() };
}

function looksLikeSecretValue(value: string): boolean {
  return value.length >= MIN_SECRET_LENGTH && !NOT_SECRET_VALUE.test(value) && !value.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(value);
}

async function readIfReadable(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    // Gone since the glob, or not ours to read: then the build cannot leak it either.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') return undefined;
    throw error;
  }
}

/** Parses a `.env` file exactly as dotenv does (the format's reference implementation). */
export function parseEnvFile(text: string): Record<string, string> {
  return parse(text);
}
