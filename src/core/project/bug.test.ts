import { describe, expect, it } from 'vitest';
import {
  bugFileName,
  intentOfIssue,
  issueReport,
  issueSource,
  parseBug,
  parseIssueExport,
  regressionTestPath,
  serializeBug,
  slugify,
  type Bug,
} from './bug.js';

const FILE = 'bugs/2026-11-23-empty-upload.md';
const NOW = new Date('2026-11-23T23:59:59Z');

function bugText(yaml: string, body = 'uploads of an empty file return 500 instead of 400\n'): string {
  return `---\n${yaml}\n---\n${body}`;
}

function parseError(yaml: string, body?: string): string {
  const result = parseBug(FILE, bugText(yaml, body));
  if (result.ok) throw new Error('expected a parse error');
  return result.error;
}

describe('slugify', () => {
  it('joins lowercase ASCII words with dashes and drops punctuation', () => {
    expect(slugify('Uploads of an EMPTY file return 500 (instead of 400)!')).toBe('uploads-of-an-empty-file-return-500-instead-of-400');
    expect(slugify("  --don't   crash__on  /  slashes--  ")).toBe('don-t-crash-on-slashes');
  });

  it('keeps the letters of accented Latin and drops scripts with no ASCII form', () => {
    expect(slugify('Café crème brûlée über')).toBe('cafe-creme-brulee-uber');
    expect(slugify('アップロード 失敗 500')).toBe('500');
    expect(slugify('😀 emoji 🎉 only')).toBe('emoji-only');
  });

  it("is 'bug' when nothing is left", () => {
    expect(slugify('')).toBe('bug');
    expect(slugify('   ')).toBe('bug');
    expect(slugify('!!! ??? ---')).toBe('bug');
    expect(slugify('日本語')).toBe('bug');
  });

  it('cuts long text at a word boundary within the limit, never ending in a dash', () => {
    const slug = slugify('the upload handler returns a server error whenever the file is completely empty and nobody notices');
    expect(slug.length).toBeLessThanOrEqual(50);
    expect(slug).toBe('the-upload-handler-returns-a-server-error-whenever');
    expect(slugify('one two three', 7)).toBe('one-two');
    expect(slugify('one two three', 8)).toBe('one-two');
  });

  it('cuts a single word longer than the limit', () => {
    expect(slugify('a'.repeat(80))).toBe('a'.repeat(50));
    expect(slugify('supercalifragilistic word', 5)).toBe('super');
  });
});

describe('bugFileName', () => {
  it('names the file by the UTC date and the first line of the report', () => {
    expect(bugFileName(NOW, 'Empty upload returns 500\n\nSteps: ...', new Set())).toBe('bugs/2026-11-23-empty-upload-returns-500.md');
    // 23:59:59Z is already the next day east of UTC; the name must not depend on the local zone.
    expect(bugFileName(new Date('2026-11-24T00:00:01+01:00'), 'x', new Set())).toBe('bugs/2026-11-23-x.md');
  });

  it('appends -2, -3… while the name is taken', () => {
    const taken = new Set(['bugs/2026-11-23-empty-upload.md', 'bugs/2026-11-23-empty-upload-2.md']);
    expect(bugFileName(NOW, 'Empty upload', taken)).toBe('bugs/2026-11-23-empty-upload-3.md');
    expect(bugFileName(NOW, 'Empty upload', new Set(['bugs/2026-11-23-empty-upload.md']))).toBe('bugs/2026-11-23-empty-upload-2.md');
  });

  it("falls back to 'bug' for a report with no usable words", () => {
    expect(bugFileName(NOW, '   \n', new Set())).toBe('bugs/2026-11-23-bug.md');
  });
});

describe('parseBug', () => {
  it('reads every key, an unquoted date and the body', () => {
    const text = bugText(
      'intent: upload\nstatus: fixed\ncreated: 2026-11-23\nsource: https://github.com/o/r/issues/12\n' +
        'regressionTest: ./test/regressions/2026-11-23-empty-upload.test.ts\nmoduleHash: ' +
        'ab'.repeat(32) +
        '\nnote: "flaky: only on Tuesdays"',
      '\n\nuploads of an empty file return 500\n\nsteps: upload 0 bytes\n\n',
    );
    expect(parseBug(FILE, text)).toEqual({
      ok: true,
      bug: {
        file: FILE,
        intent: 'upload',
        status: 'fixed',
        created: '2026-11-23',
        source: 'https://github.com/o/r/issues/12',
        regressionTest: 'test/regressions/2026-11-23-empty-upload.test.ts',
        moduleHash: 'ab'.repeat(32),
        note: 'flaky: only on Tuesdays',
        body: 'uploads of an empty file return 500\n\nsteps: upload 0 bytes',
      },
    });
  });

  it('accepts a quoted date and leaves optional keys out', () => {
    const result = parseBug(FILE, bugText("intent: upload\nstatus: open\ncreated: '2026-02-28'"));
    expect(result).toEqual({
      ok: true,
      bug: {
        file: FILE,
        intent: 'upload',
        status: 'open',
        created: '2026-02-28',
        body: 'uploads of an empty file return 500 instead of 400',
      },
    });
  });

  it('gives one line naming the file and the key for each problem', () => {
    const cases: Array<[string, string]> = [
      ['status: open\ncreated: 2026-11-23', "missing required key 'intent'"],
      ['intent: 42\nstatus: open\ncreated: 2026-11-23', "key 'intent' must be an intent id"],
      ['intent: upload\ncreated: 2026-11-23', "missing required key 'status'"],
      ['intent: upload\nstatus: closed\ncreated: 2026-11-23', 'key \'status\' must be one of open, unreproduced, fixed, not "closed"'],
      ['intent: upload\nstatus: open', "key 'created' must be a date YYYY-MM-DD"],
      ['intent: upload\nstatus: open\ncreated: 2026-02-31', "key 'created' must be a date YYYY-MM-DD"],
      ['intent: upload\nstatus: open\ncreated: 2026-11-23T10:00:00Z', "key 'created' must be a date YYYY-MM-DD"],
      ['intent: upload\nstatus: open\ncreated: 23.11.2026', "key 'created' must be a date YYYY-MM-DD"],
      ['intent: upload\nstatus: open\ncreated: 2026-11-23\nsource: [a, b]', "key 'source' must be a non-empty string"],
      [
        'intent: upload\nstatus: open\ncreated: 2026-11-23\nregressionTest: ../outside.test.ts',
        "key 'regressionTest' must stay inside the repo",
      ],
      ['intent: upload\nstatus: open\ncreated: 2026-11-23\nmoduleHash: a b', "key 'moduleHash' must be a single hash"],
      [
        'intent: upload\nstatus: open\ncreated: 2026-11-23\nseverity: high',
        "unknown key 'severity' (known keys: intent, status, created, source, regressionTest, moduleHash, note)",
      ],
      ['intent: [upload', 'invalid YAML frontmatter'],
      ['- upload', 'frontmatter must be a mapping of keys'],
    ];
    for (const [yaml, message] of cases) {
      const error = parseError(yaml);
      expect(error.startsWith(`${FILE}: `), error).toBe(true);
      expect(error).toContain(message);
      expect(error).not.toContain('\n');
    }
  });

  it('reads a file with Windows line endings', () => {
    const result = parseBug(
      FILE,
      '---\r\nintent: upload\r\nstatus: open\r\ncreated: 2026-11-23 # the day it was seen\r\n---\r\nbroken\r\n',
    );
    expect(result).toMatchObject({ ok: true, bug: { intent: 'upload', created: '2026-11-23', body: 'broken' } });
  });

  it('refuses a file without frontmatter or without a report', () => {
    expect(parseBug(FILE, 'just text')).toEqual({
      ok: false,
      error: `${FILE}: missing YAML frontmatter (start the file with '---' and an 'intent:' key)`,
    });
    expect(parseError('intent: upload\nstatus: open\ncreated: 2026-11-23', '\n  \n')).toContain('empty report');
  });
});

describe('serializeBug', () => {
  const full: Bug = {
    file: FILE,
    intent: 'upload',
    status: 'unreproduced',
    created: '2026-11-23',
    source: 'https://github.com/o/r/issues/12',
    regressionTest: 'test/regressions/2026-11-23-empty-upload.test.ts',
    moduleHash: '0123abcd'.repeat(8),
    note: 'the test passed: #1 "quoted": yes',
    body: 'uploads of an empty file return 500\n\n---\nlooks like frontmatter but is body',
  };

  it('writes the keys in a stable order, then the body', () => {
    const text = serializeBug({
      ...full,
      status: 'open',
      regressionTest: undefined,
      moduleHash: undefined,
      note: undefined,
      source: '#12',
      body: 'short',
    });
    expect(text).toBe('---\nintent: upload\nstatus: open\ncreated: 2026-11-23\nsource: "#12"\n---\nshort\n');
  });

  it('round-trips through parseBug, whatever the values hold', () => {
    expect(parseBug(FILE, serializeBug(full))).toEqual({ ok: true, bug: full });
    const awkward: Bug = { ...full, intent: '2024', source: 'true', note: 'line one\nline two: with colon', moduleHash: '123456' };
    expect(parseBug(FILE, serializeBug(awkward))).toEqual({ ok: true, bug: awkward });
    const minimal: Bug = { file: FILE, intent: 'auth', status: 'open', created: '2027-01-02', body: 'x' };
    expect(parseBug(FILE, serializeBug(minimal))).toEqual({ ok: true, bug: minimal });
  });
});

describe('regressionTestPath', () => {
  it('maps a bug file to its regression test', () => {
    expect(regressionTestPath('bugs/2026-11-23-empty-upload-returns-500.md')).toBe(
      'test/regressions/2026-11-23-empty-upload-returns-500.test.ts',
    );
    expect(regressionTestPath('bugs/team/2026-11-23-x.md')).toBe('test/regressions/team/2026-11-23-x.test.ts');
  });
});

describe('intentOfIssue', () => {
  const ids = ['upload', 'auth', 'storage.s3'];

  it('takes a label equal to an intent id, as a string or a { name } object', () => {
    expect(intentOfIssue({ title: 'It broke', labels: ['bug', 'upload'] }, ids)).toBe('upload');
    expect(intentOfIssue({ title: 'It broke', labels: [{ name: 'bug' }, { name: 'auth' }] }, ids)).toBe('auth');
  });

  it('accepts intent: and ainative: prefixes, ignoring case', () => {
    expect(intentOfIssue({ title: 'x', labels: ['intent:auth'] }, ids)).toBe('auth');
    expect(intentOfIssue({ title: 'x', labels: [{ name: 'ainative: Storage.S3' }] }, ids)).toBe('storage.s3');
  });

  it('prefers a label over the title', () => {
    expect(intentOfIssue({ title: 'auth token lost after upload', labels: ['upload'] }, ids)).toBe('upload');
  });

  it('falls back to an intent id appearing as a whole word in the title', () => {
    expect(intentOfIssue({ title: 'Upload of an empty file returns 500', labels: ['bug'] }, ids)).toBe('upload');
    expect(intentOfIssue({ title: 'Broken after upload.' }, ids)).toBe('upload');
    expect(intentOfIssue({ title: 'storage.s3 drops metadata' }, ids)).toBe('storage.s3');
    expect(intentOfIssue({ title: 'uploads are slow; oauth fails; upload-service down' }, ids)).toBeUndefined();
  });

  it('is undefined when nothing or more than one intent is named', () => {
    expect(intentOfIssue({ title: 'Docs have a typo' }, ids)).toBeUndefined();
    expect(intentOfIssue({ title: 'x', labels: ['upload', 'auth'] }, ids)).toBeUndefined();
    expect(intentOfIssue({ title: 'auth fails during upload' }, ids)).toBeUndefined();
    expect(intentOfIssue({ title: 'upload', labels: [] }, [])).toBeUndefined();
  });
});

describe('parseIssueExport', () => {
  const issue = {
    number: 12,
    title: ' Empty upload ',
    body: 'steps',
    labels: [{ name: 'upload' }],
    url: 'https://github.com/o/r/issues/12',
  };

  it('reads an array or { issues: [...] }', () => {
    const expected = {
      ok: true,
      issues: [{ number: 12, title: 'Empty upload', body: 'steps', labels: ['upload'], url: 'https://github.com/o/r/issues/12' }],
    };
    expect(parseIssueExport('issues.json', JSON.stringify([issue]))).toEqual(expected);
    expect(parseIssueExport('issues.json', JSON.stringify({ issues: [issue] }))).toEqual(expected);
  });

  it('names the file for malformed JSON and the issue for a bad shape', () => {
    const bad = parseIssueExport('issues.json', '[{"title": ');
    expect(bad.ok === false && bad.error).toMatch(/^issues\.json: not valid JSON: /);
    expect(parseIssueExport('issues.json', '{"data": []}')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^issues\.json: expected an array of issues/),
    });
    expect(parseIssueExport('issues.json', '[{"title": ""}]')).toEqual({
      ok: false,
      error: "issues.json: issue 1: 'title' must be a non-empty string",
    });
    expect(parseIssueExport('issues.json', '[{"title": "x", "labels": [1]}]')).toMatchObject({
      ok: false,
      error: expect.stringContaining("issue 1: 'labels'"),
    });
  });

  it('derives the source and the report text of an issue', () => {
    expect(issueSource({ title: 't', number: 3, url: 'https://x/3' })).toBe('https://x/3');
    expect(issueSource({ title: 't', number: 3 })).toBe('#3');
    expect(issueSource({ title: 't' })).toBeUndefined();
    expect(issueReport({ title: 'Empty upload', body: '\nsteps\n' })).toBe('Empty upload\n\nsteps');
    expect(issueReport({ title: 'Empty upload', body: '' })).toBe('Empty upload');
  });
});
