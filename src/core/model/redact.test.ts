import { describe, expect, it } from 'vitest';
import { isSecretPath, redactSecrets } from './redact.js';

const REDACTED_MARK = '[REDACTED]';

// Built at run time so this file does not itself look like it holds keys to secret scanners.
const tail = (length: number, alphabet = 'aB3dE5gH7jK9mN1pQ2rS4tU6vW8xY0z') =>
  Array.from({ length }, (_, i) => alphabet[i % alphabet.length]).join('');

describe('redactSecrets: known values', () => {
  it('replaces every occurrence of a named value with its name', () => {
    const text = 'key=hunter2hunter2 and again hunter2hunter2.';
    expect(redactSecrets(text, [{ name: 'DB_PASSWORD', value: 'hunter2hunter2' }])).toBe(
      'key=[REDACTED:DB_PASSWORD] and again [REDACTED:DB_PASSWORD].',
    );
  });

  it('uses a bare marker when the value has no name', () => {
    expect(redactSecrets('x s3cr3t-value y', [{ value: 's3cr3t-value' }])).toBe('x [REDACTED] y');
  });

  it('replaces the longest value first when one secret contains another', () => {
    const secrets = [
      { name: 'SHORT', value: 'abc123' },
      { name: 'LONG', value: 'abc123def456' },
    ];
    expect(redactSecrets('a abc123def456 b abc123 c', secrets)).toBe('a [REDACTED:LONG] b [REDACTED:SHORT] c');
  });

  it('ignores values shorter than 6 characters', () => {
    expect(redactSecrets('port 8080 and abcde', [{ name: 'PORT', value: '8080' }, { value: 'abcde' }])).toBe('port 8080 and abcde');
  });

  it('treats regex metacharacters in a value literally', () => {
    const value = 'p.a$s(w)o*r+d?[1]';
    expect(redactSecrets(`before ${value} after pXaXs`, [{ name: 'P', value }])).toBe('before [REDACTED:P] after pXaXs');
  });

  it('does not rescan a replacement for shorter secrets', () => {
    const secrets = [
      { name: 'A', value: 'tok-123456' },
      { name: 'B', value: 'REDACTED' },
    ];
    expect(redactSecrets('tok-123456', secrets)).toBe('[REDACTED:A]');
  });
});

describe('redactSecrets: encoded forms of known values', () => {
  const secret = { name: 'DB_PASSWORD', value: 'hunter2-correct-horse' };
  const bytes = (text: string) => new TextEncoder().encode(text);
  const toBase64 = (text: string) => btoa(String.fromCharCode(...bytes(text)));
  const hex = Array.from(bytes(secret.value), (byte) => byte.toString(16).padStart(2, '0')).join('');

  it.each([
    ['reversed', [...secret.value].reverse().join('')],
    ['hex', hex],
    ['upper-case hex', hex.toUpperCase()],
    ['percent-encoded bytes', hex.replace(/../g, '%$&')],
    ['URL-encoded', encodeURIComponent(`${secret.value}/?&`)],
  ])('hides the %s form', (_kind, leaked) => {
    const text = `expected 3, got ${leaked} from the module`;
    expect(redactSecrets(text, [secret])).not.toContain(leaked.slice(0, 12));
    expect(redactSecrets(text, [secret])).toContain('[REDACTED:DB_PASSWORD]');
  });

  it.each(['', 'x', 'xy'])('hides base64 and base64url whatever comes before the secret (%j)', (before) => {
    const encoded = toBase64(`${before}${secret.value}`);
    const url = encoded.replace(/\+/g, '-').replace(/\//g, '_');
    for (const leaked of [encoded, url]) {
      const redacted = redactSecrets(`message: ${leaked}`, [secret]);
      expect(redacted).toContain('[REDACTED:DB_PASSWORD]');
      // What is left of the encoding around the marker is at most one 4-character group on each side.
      const [head, tail] = redacted.slice('message: '.length).split('[REDACTED:DB_PASSWORD]');
      expect([head!.length, tail!.length].every((length) => length <= 4)).toBe(true);
    }
  });

  it('leaves text alone that only shares a few characters with an encoded form', () => {
    const text = `hash ${'a'.repeat(64)} and ${hex.slice(0, 6)}`;
    expect(redactSecrets(text, [secret])).toBe(text);
  });
});

describe('redactSecrets: key-shaped strings', () => {
  const keys: [string, string][] = [
    ['OpenAI', `sk-${tail(48)}`],
    ['OpenAI project', `sk-proj-${tail(40)}`],
    ['Anthropic', `sk-ant-api03-${tail(40)}`],
    ['GitHub classic', `ghp_${tail(36)}`],
    ['GitHub OAuth', `gho_${tail(36)}`],
    ['GitHub server', `ghs_${tail(36)}`],
    ['GitHub fine-grained', `github_pat_${tail(22)}_${tail(59)}`],
    ['AWS access key id', `AKIA${tail(16, 'ABCDEFGHIJ234567')}`],
    ['Slack', `xoxb-${tail(12, '0123456789')}-${tail(24)}`],
    ['Google', `AIza${tail(35)}`],
    ['Stripe live', `sk_live_${tail(24)}`],
    ['Stripe restricted', `rk_live_${tail(24)}`],
    ['JWT', `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${tail(43)}`],
  ];

  it.each(keys)('replaces a %s key in running text', (_label, key) => {
    expect(redactSecrets(`const k = "${key}"; // done`, [])).toBe(`const k = "${REDACTED_MARK}"; // done`);
  });

  it('replaces a whole PEM private key block', () => {
    const pem = ['-----BEGIN RSA PRIVATE KEY-----', tail(64), tail(64), '-----END RSA PRIVATE KEY-----'].join('\n');
    expect(redactSecrets(`before\n${pem}\nafter`, [])).toBe(`before\n${REDACTED_MARK}\nafter`);
  });

  it('replaces a PEM private key cut off before its END line', () => {
    expect(redactSecrets(`x\n-----BEGIN PRIVATE KEY-----\n${tail(64)}\n${tail(30)}`, [])).toBe(`x\n${REDACTED_MARK}`);
  });

  it('keeps the scheme of a Bearer header and replaces its token', () => {
    expect(redactSecrets('Authorization: Bearer abc.DEF-123_xyz~+/==', [])).toBe(`Authorization: Bearer ${REDACTED_MARK}`);
  });

  it('leaves code and prose around Bearer alone', () => {
    const code = "headers.Authorization = 'Bearer ' + token; `Bearer ${token}`; Bearer authentication is used";
    expect(redactSecrets(code, [])).toBe(code);
  });

  it('leaves sha256 hashes, ordinary identifiers and public certificates alone', () => {
    const text = [
      'sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      'const task-list-item-checkbox-wrapper = risk_live_dashboard_component;',
      'export function askUserForConfirmationQuestion() {}',
      '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
      'AKIAshort ghp_short sk-short',
    ].join('\n');
    expect(redactSecrets(text, [])).toBe(text);
  });

  it('redacts known values and key shapes together', () => {
    const key = `ghp_${tail(36)}`;
    expect(redactSecrets(`pw=correct-horse ${key}`, [{ name: 'PW', value: 'correct-horse' }])).toBe(`pw=[REDACTED:PW] ${REDACTED_MARK}`);
  });
});

describe('isSecretPath', () => {
  it.each([
    '.env',
    '.env.local',
    'apps/web/.env.production',
    'apps\\web\\.env',
    'certs/server.pem',
    'tls/server.KEY',
    'store.p12',
    'store.pfx',
    'id_rsa',
    'home/.ssh/id_rsa.pub',
    'id_ed25519',
    '.npmrc',
    '.envrc',
    '.key',
    'pkg/.netrc',
  ])('%s is a secret path', (path) => {
    expect(isSecretPath(path)).toBe(true);
  });

  it.each(['src/env.ts', 'src/.environment.ts', 'docs/keys.md', 'src/key.ts', 'monkey', 'README.md', 'src/.envrc-notes'])(
    '%s is not a secret path',
    (path) => {
      expect(isSecretPath(path)).toBe(false);
    },
  );
});
