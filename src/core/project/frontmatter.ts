import { load } from 'js-yaml';

/** A Markdown file's YAML frontmatter as a mapping, its body, and the raw frontmatter text. */
export type FrontmatterResult = { ok: true; record: Record<string, unknown>; body: string; raw: string } | { ok: false; error: string };

/** `---` on its own line opens the file; the next line that is exactly `---` closes the frontmatter. */
const OPENING = /^\uFEFF?---[ \t]*\r?\n/;
const CLOSING = /^---[ \t]*(?:\r?\n|$)/m;

/**
 * Splits `---` YAML frontmatter from a Markdown body, refusing keys outside `known`. Errors are one line without
 * the file name; `firstKey` names the key the file should start with, for the "missing frontmatter" hint.
 *
 * js-yaml 4 parses (safe schema: no executable tags). gray-matter did this before, but it loads js-yaml 3 and
 * esprima — some 50 files — on every command, a tenth of a no-op build; the fence split is the two patterns above.
 */
export function readFrontmatter(text: string, known: readonly string[], firstKey: string): FrontmatterResult {
  const opening = OPENING.exec(text);
  if (!opening) return { ok: false, error: `missing YAML frontmatter (start the file with '---' and ${firstKey})` };
  const rest = text.slice(opening[0].length);
  const closing = CLOSING.exec(rest);
  if (!closing) return { ok: false, error: "unterminated YAML frontmatter (end it with a line '---')" };
  const raw = rest.slice(0, closing.index);
  const body = rest.slice(closing.index + closing[0].length);
  let data: unknown;
  try {
    data = raw.trim() === '' ? {} : load(raw, { json: false });
  } catch (error) {
    return { ok: false, error: `invalid YAML frontmatter: ${errorLine(error)}` };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return { ok: false, error: 'frontmatter must be a mapping of keys' };
  const record = data as Record<string, unknown>;
  const unknown = Object.keys(record).find((key) => !known.includes(key));
  if (unknown !== undefined) return { ok: false, error: `unknown key '${unknown}' (known keys: ${known.join(', ')})` };
  return { ok: true, record, body, raw };
}

/** The first line of an error's message. */
export function errorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.trim() ?? message;
}
