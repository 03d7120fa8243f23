/**
 * What `ainative init` wants ignored: installed packages and local secrets. Nothing ainative writes for committing
 * (`ainative.lock`, `.ainative/cache/`, generated modules) may match these.
 */
export const GITIGNORE_LINES = ['node_modules/', '.env'] as const;

/** A .gitignore with `wanted` lines it lacks appended; the user's own lines keep their text and order. */
export interface MergeGitignoreResult {
  text: string;
  added: string[];
}

/** Appends each wanted pattern that `existing` (undefined: no file yet) does not already hold in some spelling. */
export function mergeGitignore(existing: string | undefined, wanted: readonly string[] = GITIGNORE_LINES): MergeGitignoreResult {
  const text = existing ?? '';
  const have = new Set(text.split(/\r?\n/).map(patternKey));
  const added = wanted.filter((line) => !have.has(patternKey(line)));
  if (added.length === 0) return { text, added };
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const separator = text === '' || text.endsWith('\n') ? '' : eol;
  return { text: `${text}${separator}${added.join(eol)}${eol}`, added };
}

/** `node_modules`, `/node_modules/` and `node_modules/` ignore the same top-level folder for our purpose. */
function patternKey(line: string): string {
  return line
    .trim()
    .replace(/^\//, '')
    .replace(/\/(?:\*\*)?$/, '');
}
