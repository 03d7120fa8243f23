import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_FILE, resolveConfig, settingsFromEnv, validateConfigFile, type Config } from '../../core/project/config.js';
import { InputError } from '../../core/errors.js';

/** Reads `ainative.config.json` (optional) and the environment (the variables SETTINGS names); the only place that reads process.env. */
export async function loadConfig(root: string, flags: Partial<Config>, env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  let file: Partial<Config> = {};
  let text: string | undefined;
  try {
    text = readFileSync(join(root, CONFIG_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text !== undefined) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new InputError(`${CONFIG_FILE}: not valid JSON (${(error as Error).message})`);
    }
    const checked = validateConfigFile(data);
    if (checked.errors.length > 0) throw new InputError(checked.errors.join('\n'));
    file = checked.values;
  }
  return resolveConfig({ file, env: settingsFromEnv(env), flags });
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && env.NO_COLOR === undefined && env.TERM !== 'dumb';
}

/** The process environment, for the parts that must scrub or scan it (sandbox, secret redaction). */
export function processEnvironment(): NodeJS.ProcessEnv {
  return process.env;
}

/** The variable GitHub Actions sets to the file that collects a job's Markdown summary. */
const STEP_SUMMARY_ENV = 'GITHUB_STEP_SUMMARY';

/** The job summary file of a GitHub Actions step, or undefined elsewhere. */
export function stepSummaryFile(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[STEP_SUMMARY_ENV] || undefined;
}
