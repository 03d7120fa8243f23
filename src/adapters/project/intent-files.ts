import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, sep } from 'node:path';
import { parseIntent, type Intent } from '../../core/project/intent.js';

/** Finds and parses every `<intentsDir>/**\/*.intent.md`; returns intents and one error line per bad file. */
export async function loadIntents(root: string, intentsDir: string): Promise<{ intents: Intent[]; errors: string[] }> {
  const files = intentFiles(root, intentsDir);
  const intents: Intent[] = [];
  const errors: string[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const parsed = parseIntent(file, readFileSync(`${root}/${file}`, 'utf8'));
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

/**
 * `<intentsDir>/**\/*.intent.md`, repo-relative with forward slashes, sorted; hidden files and folders are skipped.
 * A recursive readdir with a suffix test, not a glob library: the pattern is fixed, and loading one costs a no-op
 * build more than listing the folder does.
 */
function intentFiles(root: string, intentsDir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(join(root, intentsDir), { recursive: true, encoding: 'utf8' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw error;
  }
  const prefix = posix.normalize(intentsDir.split(sep).join('/')).replace(/\/+$/, '');
  return entries
    .filter((entry) => entry.endsWith('.intent.md') && !entry.split(sep).some((part) => part.startsWith('.')))
    .map((entry) => posix.join(prefix, entry.split(sep).join('/')))
    .sort();
}

/**
 * One line per required-export signature that cannot be checked, naming the intent file and the signature. Intents
 * whose text is what a green build was made from (`unchanged`) are skipped: that build checked their signatures, so
 * a no-op build never loads the parser.
 */
export async function exportSignatureErrors(intents: Intent[], unchanged: (intent: Intent) => boolean): Promise<string[]> {
  const changed = intents.filter((intent) => intent.exports.length > 0 && !unchanged(intent));
  if (changed.length === 0) return [];
  const { signatureProblem } = await import('../typescript/signature.js');
  return changed.flatMap((intent) =>
    intent.exports.flatMap((signature) => {
      const problem = signatureProblem(signature);
      return problem ? [`${intent.file}: key 'exports' has the signature '${signature}', which cannot be checked: ${problem}`] : [];
    }),
  );
}
