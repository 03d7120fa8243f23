import { describe, expect, it } from 'vitest';
import { checkRepoPath, intentIdOf, parseIntent } from './intent.js';

const FILE = 'intents/slug.intent.md';

function frontmatter(yaml: string, body = '# Slug\n'): string {
  return `---\n${yaml}\n---\n${body}`;
}

describe('parseIntent', () => {
  it('reads a full intent', () => {
    const text = frontmatter(
      'module: src/slug.ts\nuses: [text, words]\nexports:\n  - "slugify(text: string): string"\n  - "MAX_LENGTH: number"',
      '\n# Slugify\n\nTurns a title into a URL slug.\n\n',
    );
    const result = parseIntent(FILE, text);
    expect(result).toEqual({
      ok: true,
      intent: {
        id: 'slug',
        file: FILE,
        module: 'src/slug.ts',
        tests: ['test/slug.test.ts'],
        uses: ['text', 'words'],
        exports: ['slugify(text: string): string', 'MAX_LENGTH: number'],
        holdout: [],
        allow: [],
        isolation: 'confined',
        body: '# Slugify\n\nTurns a title into a URL slug.',
        text,
      },
    });
  });

  it('reads a file checked out with CRLF line endings as the same intent', () => {
    const text = frontmatter(
      'module: src/slug.ts\nexports:\n  - "slugify(text: string): string"',
      '\n# Slugify\n\nTurns a title\ninto a URL slug.\n',
    );
    expect(parseIntent(FILE, text.replace(/\n/g, '\r\n'))).toEqual(parseIntent(FILE, text));
  });

  it('accepts a single string for exports, uses and tests, and normalises ./ paths', () => {
    const result = parseIntent(
      FILE,
      frontmatter('module: ./src/slug.ts\ntests: ./test/slug-cases.test.ts\nuses: text\nexports: "slugify(text: string): string"'),
    );
    expect(result.ok && result.intent).toMatchObject({
      module: 'src/slug.ts',
      tests: ['test/slug-cases.test.ts'],
      uses: ['text'],
      exports: ['slugify(text: string): string'],
    });
  });

  it('runs the module confined unless the intent opts out with isolation: shared', () => {
    const shared = parseIntent(FILE, frontmatter('module: src/slug.ts\nisolation: shared'));
    expect(shared.ok && shared.intent.isolation).toBe('shared');
    const wrong = parseIntent(FILE, frontmatter('module: src/slug.ts\nisolation: none'));
    expect(wrong).toEqual({ ok: false, error: `${FILE}: key 'isolation' must be one of confined, shared, not "none"` });
  });

  it('reads a file with Windows line endings', () => {
    const result = parseIntent(FILE, '---\r\nmodule: src/slug.ts\r\n---\r\n# Slug\r\n');
    expect(result.ok && result.intent.module).toBe('src/slug.ts');
  });

  const bad: Array<[string, string, string[]]> = [
    ['no frontmatter', '# Slug\nmodule: src/slug.ts\n', ['missing YAML frontmatter', "'module:'"]],
    ['invalid YAML', frontmatter('module: [src/slug.ts'), ['invalid YAML frontmatter']],
    ['no closing fence', '---\nmodule: src/slug.ts\n# Slug\n', ['unterminated YAML frontmatter', "'---'"]],
    ['a YAML tag that runs code', frontmatter('module: !!js/function "function () {}"'), ['invalid YAML frontmatter', 'js/function']],
    [
      'an unknown key',
      frontmatter('module: src/slug.ts\nmodul: src/x.ts'),
      ["unknown key 'modul'", 'known keys: module, tests, uses, exports'],
    ],
    ['no module', frontmatter('tests: [test/slug.test.ts]'), ["missing required key 'module'", 'module: src/slug.ts']],
    ['a number as module', frontmatter('module: 42'), ["key 'module'", 'path string']],
    ['a list as module', frontmatter('module: [src/a.ts, src/b.ts]'), ["key 'module'", 'path string']],
    ['a module outside the repo', frontmatter('module: src/../../outside.ts'), ["key 'module'", 'inside the repo']],
    ['an absolute module path', frontmatter('module: /etc/slug.ts'), ["key 'module'", 'repo-relative', '/etc/slug.ts']],
    ['a test file as module', frontmatter('module: src/slug.test.ts'), ["key 'module'", 'src/slug.test.ts']],
    ['a non-TypeScript module', frontmatter('module: src/slug.js'), ["key 'module'", '.ts']],
    ['tests that are not strings', frontmatter('module: src/slug.ts\ntests: [1, 2]'), ["key 'tests'", 'string']],
    [
      'tests naming the module',
      frontmatter('module: src/slug.ts\ntests: [test/slug.test.ts, ./src/slug.ts]'),
      ["key 'tests'", 'module itself', 'src/slug.ts'],
    ],
    ['tests outside the repo', frontmatter('module: src/slug.ts\ntests: ../other/slug.test.ts'), ["key 'tests'", 'inside the repo']],
    ['an empty uses entry', frontmatter('module: src/slug.ts\nuses: [text, ""]'), ["key 'uses'"]],
  ];

  it.each(bad)('rejects %s with one line naming the file and the problem', (_name, text, expected) => {
    const result = parseIntent(FILE, text);
    expect(result.ok).toBe(false);
    const error = result.ok ? '' : result.error;
    expect(error.startsWith(`${FILE}: `)).toBe(true);
    expect(error).not.toContain('\n');
    for (const part of expected) expect(error).toContain(part);
  });
});

describe('intentIdOf', () => {
  it('is the base name without .intent.md', () => {
    expect(intentIdOf('intents/auth/session.intent.md')).toBe('session');
  });
});

describe('checkRepoPath', () => {
  it('normalises separators, ./ and empty segments', () => {
    expect(checkRepoPath('.\\src\\\\a.ts')).toBe('src/a.ts');
    expect(checkRepoPath('./src/./lib//a.ts')).toBe('src/lib/a.ts');
  });

  it('refuses paths that leave the repo or point into .git', () => {
    expect(checkRepoPath('C:/a.ts')).toEqual({ error: expect.stringContaining('repo-relative') });
    expect(checkRepoPath('a/../../b.ts')).toEqual({ error: expect.stringContaining('inside the repo') });
    expect(checkRepoPath('.git/hooks/pre-commit.ts')).toEqual({ error: expect.stringContaining('.git') });
  });
});
