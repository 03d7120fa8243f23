import { afterEach, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

const TRIVIAL_TEST = "import { it } from 'vitest';\nit('runs', () => {});\n";

/** Two intents, upload and auth; no model is ever reachable. */
function reportRepo(): Promise<TempRepo> {
  return createTempRepo({
    'intents/upload.intent.md': '---\nmodule: src/upload.ts\n---\nStores uploaded files; an empty file is answered with 400.\n',
    'test/upload.test.ts': TRIVIAL_TEST,
    'intents/auth.intent.md': '---\nmodule: src/auth.ts\n---\nChecks that a request is signed in.\n',
    'test/auth.test.ts': TRIVIAL_TEST,
  });
}

const report = (args: string[]) => runCli(['report', ...args], { cwd: repo.root, env: { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' } });

/** The UTC date now; a test straddling midnight UTC may see either day. */
const today = () => new Date().toISOString().slice(0, 10);

async function bugFiles(): Promise<string[]> {
  return (await repo.git.raw(['ls-files', '--others', '--exclude-standard', 'bugs'])).split('\n').filter(Boolean).sort();
}

it('writes an open bug from text and prints its path', async () => {
  repo = await reportRepo();
  const run = await report(['upload', 'Uploads of an empty file return 500 instead of 400']);
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(0);
  const date = today();
  const file = `bugs/${date}-uploads-of-an-empty-file-return-500-instead-of-400.md`;
  // execa, under runCli, strips the final newline of stdout.
  expect(run.stdout).toBe(file);
  expect(await repo.read(file)).toBe(
    `---\nintent: upload\nstatus: open\ncreated: ${date}\n---\nUploads of an empty file return 500 instead of 400\n`,
  );

  const again = await report(['upload', 'Uploads of an empty file return 500 instead of 400']);
  expect(again.stdout).toBe(`bugs/${date}-uploads-of-an-empty-file-return-500-instead-of-400-2.md`);
  expect(await repo.read(file)).toContain('status: open');
});

it('takes the report from --body-file, with --source', async () => {
  repo = await reportRepo();
  await repo.write('report.txt', 'Login loops forever\n\nAfter the session expires, /login redirects to itself.\n');
  const run = await report(['auth', '--body-file', 'report.txt', '--source', 'https://github.com/o/r/issues/7', '--json']);
  expect(run.exitCode).toBe(0);
  const file = `bugs/${today()}-login-loops-forever.md`;
  expect(JSON.parse(run.stdout)).toEqual({ written: [{ file, intent: 'auth' }], skipped: [] });
  expect(await repo.read(file)).toBe(
    `---\nintent: auth\nstatus: open\ncreated: ${today()}\nsource: https://github.com/o/r/issues/7\n---\nLogin loops forever\n\nAfter the session expires, /login redirects to itself.\n`,
  );
});

it("reads the report from stdin when the text is '-'", async () => {
  repo = await reportRepo();
  const run = await runCli(['report', 'upload', '-'], {
    cwd: repo.root,
    input: 'Large uploads time out\nafter 30 seconds\n',
    env: { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' },
  });
  expect(run.exitCode).toBe(0);
  const file = `bugs/${today()}-large-uploads-time-out.md`;
  expect(run.stdout).toBe(file);
  expect(await repo.read(file)).toContain('---\nLarge uploads time out\nafter 30 seconds\n');
});

it('refuses an unknown intent with exit 2, naming it and the known ones, and writes nothing', async () => {
  repo = await reportRepo();
  const run = await report(['download', 'it is broken']);
  expect(run.exitCode).toBe(2);
  expect(run.stderr).toContain("unknown intent 'download' (known intents: auth, upload)");
  expect(await bugFiles()).toEqual([]);
});

it('refuses an empty report with exit 2', async () => {
  repo = await reportRepo();
  await repo.write('empty.txt', '  \n\n');
  const run = await report(['upload', '--body-file', 'empty.txt']);
  expect(run.exitCode).toBe(2);
  expect(run.stderr).toContain('the bug report is empty');
  expect(await bugFiles()).toEqual([]);
});

const ISSUES = [
  {
    number: 12,
    title: 'Empty file gives 500',
    body: 'Steps: upload 0 bytes.',
    labels: [{ name: 'bug' }, { name: 'upload' }],
    url: 'https://github.com/o/r/issues/12',
  },
  { number: 13, title: 'auth: token not refreshed', body: '', labels: [], url: 'https://github.com/o/r/issues/13' },
  { number: 14, title: 'Typo in the README', body: 'teh', labels: [{ name: 'docs' }], url: 'https://github.com/o/r/issues/14' },
];

it('imports issues that name an intent by label or title, skips the rest, and never imports one twice', async () => {
  repo = await reportRepo();
  await repo.write('issues.json', JSON.stringify(ISSUES));
  const run = await report(['--import', 'issues.json']);
  expect(run.exitCode).toBe(0);
  const date = today();
  const upload = `bugs/${date}-empty-file-gives-500.md`;
  const auth = `bugs/${date}-auth-token-not-refreshed.md`;
  expect(run.stdout).toBe(`${upload} (upload)\n${auth} (auth)\nimported 2, skipped 1 (no intent: "Typo in the README")`);
  expect(await bugFiles()).toEqual([auth, upload].sort());
  expect(await repo.read(upload)).toBe(
    `---\nintent: upload\nstatus: open\ncreated: ${date}\nsource: https://github.com/o/r/issues/12\n---\nEmpty file gives 500\n\nSteps: upload 0 bytes.\n`,
  );
  expect(await repo.read(auth)).toBe(
    `---\nintent: auth\nstatus: open\ncreated: ${date}\nsource: https://github.com/o/r/issues/13\n---\nauth: token not refreshed\n`,
  );

  await repo.write('issues.json', JSON.stringify({ issues: ISSUES }));
  const again = await report(['--import', 'issues.json', '--json']);
  expect(again.exitCode).toBe(0);
  expect(JSON.parse(again.stdout)).toEqual({
    written: [],
    skipped: [
      { title: 'Empty file gives 500', reason: 'already imported' },
      { title: 'auth: token not refreshed', reason: 'already imported' },
      { title: 'Typo in the README', reason: 'no intent' },
    ],
  });
  expect(await bugFiles()).toEqual([auth, upload].sort());
});

it('refuses a malformed export with exit 2 naming the file', async () => {
  repo = await reportRepo();
  await repo.write('issues.json', '[{"number": 1, "title": ');
  const run = await report(['--import', 'issues.json']);
  expect(run.exitCode).toBe(2);
  expect(run.stderr).toMatch(/^ainative: issues\.json: not valid JSON/);
  expect(await bugFiles()).toEqual([]);
});
