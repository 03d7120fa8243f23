/** A secret value to hide; `name` (an env var or .env key) is shown in its place when known. */
export interface KnownSecret {
  name?: string;
  value: string;
}

/** What a redacted key-shaped string becomes. */
const REDACTED = '[REDACTED]';

/** Known values shorter than this are left alone: they would match ordinary words and numbers. */
export const MIN_SECRET_LENGTH = 6;

// Each pattern matches the whole secret. The lookbehinds keep a prefix from matching inside a longer identifier
// (`task-...`, `my_sk_live_...`). No pattern matches plain hex, so the sha256s in the lock file survive.
const KEY_PATTERNS: readonly RegExp[] = [
  // PEM private keys, also when captured output was cut before the END line.
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
  // OpenAI (sk-, sk-proj-, sk-svcacct-) and Anthropic (sk-ant-).
  /(?<![\w-])sk-[A-Za-z0-9_-]{20,}/g,
  /(?<![\w-])(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}/g,
  /(?<![\w-])github_pat_[A-Za-z0-9_]{20,}/g,
  /(?<![A-Za-z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])/g,
  /(?<![\w-])xox[abprs]-[A-Za-z0-9-]{10,}/g,
  /(?<![\w-])AIza[0-9A-Za-z_-]{35,}/g,
  /(?<![\w-])(?:sk|rk)_live_[0-9A-Za-z]{10,}/g,
  /(?<![\w-])eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g,
];

// The token after `Bearer`, at least 8 characters with one that is not a letter, so prose ("bearer authentication")
// and code (`Bearer ${token}`, `'Bearer ' + token`) are left alone.
const BEARER = /\b(Bearer\s+)(?=[A-Za-z0-9._~+/-]*[0-9._~+/-])[A-Za-z0-9._~+/-]{8,}=*/gi;

/** Replaces known secret values (longest first) with `[REDACTED:<NAME>]` and key-shaped strings with `[REDACTED]`. */
export function redactSecrets(text: string, knownSecrets: readonly KnownSecret[]): string {
  let result = redactKnown(text, knownSecrets);
  for (const pattern of KEY_PATTERNS) result = result.replace(pattern, REDACTED);
  return result.replace(BEARER, `$1${REDACTED}`);
}

function redactKnown(text: string, knownSecrets: readonly KnownSecret[]): string {
  const nameByValue = new Map<string, string | undefined>();
  for (const { name, value } of knownSecrets) {
    if (value.length < MIN_SECRET_LENGTH) continue;
    for (const form of [value, ...encodedForms(value)]) if (!nameByValue.has(form)) nameByValue.set(form, name);
  }
  if (nameByValue.size === 0) return text;
  // One pass over an alternation, longest first: a secret that contains another is replaced whole, and a
  // replacement is never scanned again.
  const values = [...nameByValue.keys()].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(values.map(escapeRegExp).join('|'), 'g');
  return text.replace(pattern, (value) => {
    const name = nameByValue.get(value);
    return name ? `[REDACTED:${name}]` : REDACTED;
  });
}

/** Shortest encoded form worth matching: shorter ones turn up by chance. */
const MIN_ENCODED_LENGTH = 8;

/**
 * The ways code that read a secret could disguise it in its output: reversed, hex, base64 and base64url (at each of
 * the three byte alignments it can have inside a longer text, keeping only the characters the secret alone decides),
 * and URL-encoded.
 */
export function encodedForms(value: string): string[] {
  const bytes = new TextEncoder().encode(value);
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  const forms = [[...value].reverse().join(''), hex, hex.toUpperCase(), encodeURIComponent(value)];
  forms.push(hex.replace(/../g, '%$&'), hex.toUpperCase().replace(/../g, '%$&'));
  for (let offset = 0; offset < 3; offset++) {
    const base64 = base64Inside(bytes, offset);
    forms.push(base64, base64.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...new Set(forms)].filter((form) => form !== value && form.length >= MIN_ENCODED_LENGTH);
}

/** The base64 characters that `bytes` alone determine when `offset` other bytes come before them. */
function base64Inside(bytes: Uint8Array, offset: number): string {
  const padded = new Uint8Array(offset + bytes.length);
  padded.set(bytes, offset);
  const encoded = btoa(String.fromCharCode(...padded));
  const start = offset === 0 ? 0 : 4;
  const end = Math.floor(padded.length / 3) * 4;
  return end > start ? encoded.slice(start, end) : '';
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const SECRET_EXTENSIONS = ['.pem', '.key', '.p12', '.pfx'];
// `.envrc` (direnv) is not in the usual list but typically exports API keys.
const SECRET_BASENAMES = new Set(['.env', '.envrc', '.npmrc', '.netrc']);
const SECRET_PREFIXES = ['.env.', 'id_rsa', 'id_ed25519'];

/** Whether a file at `path` (any folder, either slash) typically holds credentials and must never reach the model. */
export function isSecretPath(path: string): boolean {
  const base = path.split(/[\\/]/).pop() ?? '';
  const lower = base.toLowerCase();
  return (
    SECRET_BASENAMES.has(base) ||
    SECRET_PREFIXES.some((prefix) => base.startsWith(prefix)) ||
    SECRET_EXTENSIONS.some((ext) => lower.endsWith(ext))
  );
}
