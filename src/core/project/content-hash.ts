import { sha256 } from './lock.js';

/**
 * Text with CRLF (and lone CR) line endings turned into LF. A file checked out on Windows with `core.autocrlf` holds
 * the same intent, test or module as the LF file committed: it must hash, and read in a prompt, the same.
 */
export function normaliseLineEndings(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/** sha256 of a file's text with its line endings normalised. */
export function contentHash(text: string): string {
  return sha256(normaliseLineEndings(text));
}
