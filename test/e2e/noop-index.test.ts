// A no-op build keeps a file index and a record of its all-fresh verdict in the git dir and, next time, only stats
// the files. After such a cached no-op run, every kind of change must still be noticed, including edits that keep
// a file's size and put its old mtime back.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { codeReply, type FakeRequest } from '../helpers/fake-model-server.js';
import { runWithModel } from '../helpers/scenario.js';
import { copyTempRepo, createTempRepo, type TempRepo } from '../helpers/temp-repo.js';
import { CLI_PATH, runCli } from '../helpers/run-cli.js';

const PRICE_INTENT = '---\nmodule: src/price.ts\nexports: ["priceOf(sku: string): number"]\n---\nLooks up the price of a SKU in cents.\n';
const PRICE_TEST =
  "import { expect, it } from 'vitest';\nimport { priceOf } from '../src/price.ts';\nit('prices apples', () => expect(priceOf('apple')).toBe(120));\n";
const PRICE_CODE =
  'const PRICES: Record<string, number> = { apple: 120, pear: 90 };\n\nexport function priceOf(sku: string): number {\n  return PRICES[sku] ?? 0;\n}\n';
const CART_INTENT =
  '---\nmodule: src/cart.ts\nuses: [price]\nexports: ["total(skus: string[]): number"]\n---\nTotals the prices of the SKUs in a cart.\n';
const CART_TEST =
  "import { expect, it } from 'vitest';\nimport { total } from '../src/cart.ts';\nit('totals', () => expect(total(['apple', 'pear'])).toBe(210));\n";
const CART_CODE =
  "import { priceOf } from './price.ts';\n\nexport function total(skus: string[]): number {\n  return skus.reduce((sum, sku) => sum + priceOf(sku), 0);\n}\n";

/** Answers each request with the right module for the intent it asks about. */
const rightModule = (request: FakeRequest) =>
  JSON.stringify(request.body?.messages).includes('Write `src/price.ts`')
    ? { content: codeReply('src/price.ts', PRICE_CODE) }
    : { content: codeReply('src/cart.ts', CART_CODE) };

let built: TempRepo;
let repo: TempRepo | undefined;
const temps: string[] = [];

beforeAll(async () => {
  built = await createTempRepo(
    {
      'intents/price.intent.md': PRICE_INTENT,
      'test/price.test.ts': PRICE_TEST,
      'intents/cart.intent.md': CART_INTENT,
      'test/cart.test.ts': CART_TEST,
    },
    { commit: true },
  );
  const first = await runWithModel(
    built,
    [{ content: codeReply('src/price.ts', PRICE_CODE) }, { content: codeReply('src/cart.ts', CART_CODE) }],
    ['build', '--concurrency', '1'],
  );
  expect(first.exitCode).toBe(0);
  await built.commit('built by ainative');
}, 120_000);
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});
afterAll(() => {
  built?.cleanup();
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the built repo after two no-op builds: the first writes the index and the record, the second uses them. */
async function afterCachedNoop(cli = CLI_PATH): Promise<TempRepo> {
  repo = copyTempRepo(built);
  const { root } = repo;
  // Whole-second mtimes, as an archive or a coarse file system gives: an edit can then put back the exact old mtime.
  const second = Math.floor(Date.now() / 1000) - 60;
  for (const dir of ['intents', 'test', 'src'])
    for (const name of readdirSync(join(root, dir))) utimesSync(join(root, dir, name), second, second);
  expect((await build(repo, [], cli)).requests).toHaveLength(0);
  const cached = await build(repo, ['--json'], cli);
  expect(cached.requests).toHaveLength(0);
  expect(statuses(cached.stdout)).toEqual(['price:fresh', 'cart:fresh']);
  return repo;
}

/** `ainative build <args>` against a fake model answering with the right modules; exits 0. */
async function build(target: TempRepo, args: string[], cli = CLI_PATH): Promise<{ stdout: string; requests: FakeRequest[] }> {
  const run = await runWithModel(
    target,
    { respond: rightModule },
    ['build', '--concurrency', '1', ...args],
    {},
    { cli, timeoutMs: 120_000 },
  );
  expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
  return { stdout: run.stdout, requests: run.requests };
}

function statuses(stdout: string): string[] {
  return (JSON.parse(stdout).modules as Array<{ id: string; status: string }>).map((module) => `${module.id}:${module.status}`);
}

/** Rewrites a file in place with other text of the same length and puts its exact old mtime back, as `cp -p` or rsync do. */
function editKeepingSizeAndMtime(target: TempRepo, path: string, edit: (text: string) => string): void {
  const file = join(target.root, path);
  const before = statSync(file);
  const text = readFileSync(file, 'utf8');
  const after = edit(text);
  expect(after).not.toBe(text);
  expect(after.length).toBe(text.length);
  writeFileSync(file, after);
  utimesSync(file, before.atime, before.mtime);
  const now = statSync(file);
  expect([now.size, now.mtimeMs]).toEqual([before.size, before.mtimeMs]);
}

async function status(target: TempRepo): Promise<Array<{ id: string; state: string; reasons: string[]; editedByHand: boolean }>> {
  const run = await runCli(['status', '--json'], { cwd: target.root });
  expect(run.exitCode).toBe(0);
  return JSON.parse(run.stdout).intents;
}

it('keeps its state in the git dir only, and a cached no-op build calls no model', async () => {
  const target = await afterCachedNoop();
  expect(
    readdirSync(join(target.root, '.git', 'ainative'))
      .filter((name) => name.endsWith('.json'))
      .map((name) => name.replace(/-\w+\.json$/, '')),
  ).toEqual(expect.arrayContaining(['file-index', 'fresh']));
  expect((await target.git.status()).files).toEqual([]);
});

it('notices an intent edited in place with the same size and its old mtime', async () => {
  const target = await afterCachedNoop();
  editKeepingSizeAndMtime(target, 'intents/cart.intent.md', (text) => text.replace('Totals the prices', 'Totals the Prices'));

  expect((await status(target)).find((intent) => intent.id === 'cart')).toMatchObject({ state: 'stale', reasons: ['intent text changed'] });
  const run = await build(target, ['--json']);
  expect(run.requests).toHaveLength(1);
  expect(statuses(run.stdout)).toEqual(['price:fresh', 'cart:built']);
});

it('notices a test edited in place with the same size and its old mtime', async () => {
  const target = await afterCachedNoop();
  editKeepingSizeAndMtime(target, 'test/cart.test.ts', (text) => text.replace("it('totals'", "it('Totals'"));

  expect((await status(target)).find((intent) => intent.id === 'cart')).toMatchObject({ state: 'stale', reasons: ['tests changed'] });
  const run = await build(target, ['--json']);
  expect(statuses(run.stdout)).toEqual(['price:fresh', 'cart:built']);
});

it('notices a change of a used API made by hand, with the same size and old mtime, and the hand edit itself', async () => {
  const target = await afterCachedNoop();
  editKeepingSizeAndMtime(target, 'src/price.ts', (text) => text.replace('priceOf(sku: string): number', 'priceOf(sku: string):    any'));

  const [price, cart] = await status(target);
  expect(price).toMatchObject({ id: 'price', state: 'fresh', editedByHand: true });
  expect(cart).toMatchObject({ id: 'cart', state: 'stale', reasons: ["public API of 'price' changed"] });
  const run = await build(target, ['--json']);
  expect(statuses(run.stdout)).toEqual(['price:fresh', 'cart:built']);
  const check = await runCli(['check', '--json'], { cwd: target.root });
  expect(check.stdout).toContain('src/price.ts was edited by hand');
});

it('notices a generated module edited by hand in place without changing its API', async () => {
  const target = await afterCachedNoop();
  editKeepingSizeAndMtime(target, 'src/cart.ts', (text) => text.replace('(sum, sku) => sum +', '(acc, sku) => acc +'));

  expect((await status(target)).find((intent) => intent.id === 'cart')).toMatchObject({ state: 'fresh', editedByHand: true });
});

it('does not remember a verdict that needed the compiler: a used module edited by hand keeps its dependents checked', async () => {
  const target = await afterCachedNoop();
  const record = join(
    target.root,
    '.git',
    'ainative',
    readdirSync(join(target.root, '.git', 'ainative')).find((name) => name.startsWith('fresh-'))!,
  );
  const before = readFileSync(record, 'utf8');
  editKeepingSizeAndMtime(target, 'src/price.ts', (text) => text.replace('PRICES[sku] ?? 0', 'PRICES[sku] || 0'));

  // cart's view of price comes from price's declarations, extracted now (they may depend on files no record stamps).
  const run = await build(target, ['--json']);
  expect(statuses(run.stdout)).toEqual(['price:fresh', 'cart:fresh']);
  expect(readFileSync(record, 'utf8')).toBe(before);
});

it('notices another model', async () => {
  const target = await afterCachedNoop();
  const run = await build(target, ['--json', '--model', 'another-model']);
  expect(run.requests).toHaveLength(2);
  expect(statuses(run.stdout)).toEqual(['price:built', 'cart:built']);
});

it('notices changed prompt templates', async () => {
  const cli = packageCopyWithTemplateEdit();
  const target = await afterCachedNoop();
  const run = await build(target, ['--json'], cli);
  expect(run.requests).toHaveLength(2);
  expect(statuses(run.stdout)).toEqual(['price:built', 'cart:built']);
});

/** A copy of the built ainative package whose task prompt template says one more thing; returns its CLI. */
function packageCopyWithTemplateEdit(): string {
  const source = dirname(dirname(dirname(dirname(CLI_PATH))));
  const copy = mkdtempSync(join(tmpdir(), 'ainative-package-'));
  temps.push(copy);
  for (const part of ['package.json', 'templates', 'dist']) cpSync(join(source, part), join(copy, part), { recursive: true });
  symlinkSync(join(source, 'node_modules'), join(copy, 'node_modules'));
  const task = join(copy, 'templates', 'prompts', 'task.md');
  writeFileSync(task, `${readFileSync(task, 'utf8')}\nKeep functions short.\n`);
  return join(copy, 'dist', 'src', 'cli', 'index.js');
}
