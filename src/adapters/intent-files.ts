import { readFile } from 'node:fs/promises';
import { glob } from 'tinyglobby';
import { parseIntent, type Intent } from '../core/intent.js';

/** Finds and parses every `<intentsDir>/**\/*.intent.md`; returns intents and one error line per bad file. */
export async function loadIntents(root: string, intentsDir: string): Promise<{ intents: Intent[]; errors: string[] }> {
  const files = (await glob(`${intentsDir}/**/*.intent.md`, { cwd: root, dot: false })).sort();
  const intents: Intent[] = [];
  const errors: string[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const parsed = parseIntent(file, await readFile(`${root}/${file}`, 'utf8'));
    if (!parsed.ok) {
      errors.push(parsed.error);
      continue;
    }
    const other = seen.get(parsed.intent.id);
    if (other) errors.push(`${file}: intent id '${parsed.intent.id}' is already used by ${other}`);
    else {
      seen.set(parsed.intent.id, file);
      intents.push(parsed.intent);
    }
  }
  return { intents, errors };
}
