import matter from 'gray-matter';

/** A Markdown file's YAML frontmatter as a mapping, its body, and the raw frontmatter text. */
export type FrontmatterResult = { ok: true; record: Record<string, unknown>; body: string; raw: string } | { ok: false; error: string };

/**
 * Splits `---` YAML frontmatter from a Markdown body, refusing keys outside `known`. Errors are one line without
 * the file name; `firstKey` names the key the file should start with, for the "missing frontmatter" hint.
 */
export function readFrontmatter(text: string, known: readonly string[], firstKey: string): FrontmatterResult {
  if (!/^---\r?\n/.test(text)) return { ok: false, error: `missing YAML frontmatter (start the file with '---' and ${firstKey})` };
  let parsed: matter.GrayMatterFile<string>;
  try {
    // A fresh options object defeats gray-matter's cache, which would hand back shared mutable data.
    parsed = matter(text, {});
  } catch (error) {
    return { ok: false, error: `invalid YAML frontmatter: ${errorLine(error)}` };
  }
  const data: unknown = parsed.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, error: 'frontmatter must be a mapping of keys' };
  const record = data as Record<string, unknown>;
  const unknown = Object.keys(record).find((key) => !known.includes(key));
  if (unknown !== undefined) return { ok: false, error: `unknown key '${unknown}' (known keys: ${known.join(', ')})` };
  return { ok: true, record, body: parsed.content, raw: parsed.matter };
}

/** The first line of an error's message. */
export function errorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.trim() ?? message;
}
