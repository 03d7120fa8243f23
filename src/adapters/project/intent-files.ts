import { readdirSync, statSync } from 'node:fs';
import { join, posix, sep } from 'node:path';
import type { Intent, ParseIntentResult } from '../../core/project/intent.js';
import { unindexedFiles, type ProjectFiles } from '../repo/file-index.js';

/**
 * Finds and parses every `<intentsDir>/**\/*.intent.md`; returns intents and one error line per bad file. Through
 * `files`, an intent file unchanged since an earlier run is not read or parsed again.
 */
export async function loadIntents(
  root: string,
  intentsDir: string,
  files: ProjectFiles = unindexedFiles(root),
): Promise<{ intents: Intent[]; errors: string[] }> {
  const intents: Intent[] = [];
  const errors: string[] = [];
  const seen = new Map<string, string>();
  let parse: ((file: string, text: string) => ParseIntentResult) | undefined;
  for (const file of listIntentFiles(root, intentsDir)) {
    let intent = files.cachedIntent(file);
    if (!intent) {
      // The parser (and its YAML library) loads only when some intent file changed since it was last parsed.
      parse ??= (await import('../../core/project/intent.js')).parseIntent;
      const text = files.text(file);
      if (text === undefined) continue; // removed since the folder was listed
      const parsed = parse(file, text);
      if (!parsed.ok) {
        errors.push(parsed.error);
        continue;
      }
      files.keepIntent(file, parsed.intent);
      intent = parsed.intent;
    }
    const other = seen.get(intent.id);
    if (other) errors.push(`${file}: intent id '${intent.id}' is already used by ${other}`);
    else {
      seen.set(intent.id, file);
      intents.push(intent);
    }
  }
  return { intents, errors };
}

/**
 * `<intentsDir>/**\/*.intent.md`, repo-relative with forward slashes, sorted; hidden files and folders are skipped.
 * A walk with a suffix test, not a glob library: the pattern is fixed, and loading one costs a no-op build more than
 * listing the folder does. Not node's recursive readdir either, which stats every entry and takes far longer.
 */
export function listIntentFiles(root: string, intentsDir: string): string[] {
  const prefix = posix.normalize(intentsDir.split(sep).join('/')).replace(/\/+$/, '');
  const found: string[] = [];
  try {
    walk(join(root, intentsDir), prefix === '.' ? '' : prefix, found);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw error;
  }
  return found.sort();
}

/**
 * Adds the `*.intent.md` files under `dir` to `found`, as `relative` + their path below `dir`; follows links to
 * folders. Paths are joined by hand: the parts are plain names from the listing, and path.join on each of a
 * thousand entries costs more than the listing.
 */
function walk(dir: string, relative: string, found: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const { name } = entry;
    if (name.startsWith('.')) continue;
    const path = relative === '' ? name : `${relative}/${name}`;
    if (name.endsWith('.intent.md') && entry.isFile()) found.push(path);
    else if (entry.isDirectory() || (entry.isSymbolicLink() && statSync(`${dir}/${name}`, { throwIfNoEntry: false })?.isDirectory()))
      walk(`${dir}/${name}`, path, found);
    else if (name.endsWith('.intent.md')) found.push(path);
  }
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
