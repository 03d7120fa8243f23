import { afterEach, expect, it } from 'vitest';
import { codeReply } from '../helpers/fake-model-server.js';
import { allMessages, runWithModel } from '../helpers/scenario.js';
import { runCli } from '../helpers/run-cli.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

const PRICE_INTENT = '---\nmodule: src/price.ts\nexports: ["priceOf(sku: string): number"]\n---\nLooks up the price of a SKU in cents.\n';
const PRICE_TEST =
  "import { expect, it } from 'vitest';\nimport { priceOf } from '../src/price.ts';\nit('prices apples', () => expect(priceOf('apple')).toBe(120));\n";
const PRICE_CODE =
  'const PRICES: Record<string, number> = { apple: 120, pear: 90 };\n\nexport function priceOf(sku: string): number {\n  const secretInternalDetail = PRICES[sku];\n  return secretInternalDetail ?? 0;\n}\n';
const CART_INTENT =
  '---\nmodule: src/cart.ts\nuses: [price]\nexports: ["total(skus: string[]): number"]\n---\nTotals the prices of the SKUs in a cart.\n';
const CART_TEST =
  "import { expect, it } from 'vitest';\nimport { total } from '../src/cart.ts';\nit('totals', () => expect(total(['apple', 'pear'])).toBe(210));\n";
const CART_CODE =
  "import { priceOf } from './price.ts';\n\nexport function total(skus: string[]): number {\n  return skus.reduce((sum, sku) => sum + priceOf(sku), 0);\n}\n";

async function builtCartRepo(): Promise<TempRepo> {
  const created = await createTempRepo(
    {
      'intents/price.intent.md': PRICE_INTENT,
      'test/price.test.ts': PRICE_TEST,
      'intents/cart.intent.md': CART_INTENT,
      'test/cart.test.ts': CART_TEST,
    },
    { commit: true },
  );
  const run = await runWithModel(created, [
    { content: codeReply('src/price.ts', PRICE_CODE) },
    { content: codeReply('src/cart.ts', CART_CODE) },
  ]);
  expect(run.exitCode).toBe(0);
  return created;
}

it('builds what an intent uses first and shows the dependent only its declarations', async () => {
  repo = await createTempRepo(
    {
      'intents/price.intent.md': PRICE_INTENT,
      'test/price.test.ts': PRICE_TEST,
      'intents/cart.intent.md': CART_INTENT,
      'test/cart.test.ts': CART_TEST,
    },
    { commit: true },
  );
  const run = await runWithModel(
    repo,
    [{ content: codeReply('src/price.ts', PRICE_CODE) }, { content: codeReply('src/cart.ts', CART_CODE) }],
    ['build', '--json'],
  );

  expect(run.exitCode).toBe(0);
  expect(allMessages(run.requests[0]!)).toContain('Write `src/price.ts`');
  const cartPrompt = allMessages(run.requests[1]!);
  expect(cartPrompt).toContain('### src/price.ts (intent `price`)');
  expect(cartPrompt).toMatch(/export declare function priceOf\(sku: string\): number;/);
  expect(cartPrompt).not.toContain('secretInternalDetail');
});

it('keeps a dependent fresh when only the body of what it uses changed (early cutoff)', async () => {
  repo = await builtCartRepo();
  await repo.write('intents/price.intent.md', `${PRICE_INTENT}Unknown SKUs cost 0.\n`);
  const bodyOnly = PRICE_CODE.replace('secretInternalDetail ?? 0', 'secretInternalDetail ?? 0 /* unknown */');

  const run = await runWithModel(repo, [{ content: codeReply('src/price.ts', bodyOnly) }], ['build', '--json']);
  expect(run.exitCode).toBe(0);
  expect(run.requests).toHaveLength(1);
  expect(JSON.parse(run.stdout).modules.map((module: { id: string; status: string }) => `${module.id}:${module.status}`)).toEqual([
    'price:built',
    'cart:fresh',
  ]);
});

it('rebuilds a dependent when the signature of what it uses changed, and status names the API change', async () => {
  repo = await builtCartRepo();
  await repo.write('intents/price.intent.md', `${PRICE_INTENT}Also takes a quantity.\n`);
  const newSignature = PRICE_CODE.replace('priceOf(sku: string): number', 'priceOf(sku: string, quantity = 1): number')
    .replace('?? 0;', '?? 0) * quantity;')
    .replace('return secretInternalDetail', 'return (secretInternalDetail');

  const first = await runWithModel(
    repo,
    [{ content: codeReply('src/price.ts', newSignature) }, { content: codeReply('src/cart.ts', CART_CODE) }],
    ['build', '--json'],
  );
  expect(first.exitCode).toBe(0);
  expect(first.requests).toHaveLength(2);
  expect(JSON.parse(first.stdout).modules[1]).toMatchObject({ id: 'cart', status: 'built', reasons: ["public API of 'price' changed"] });
  expect(allMessages(first.requests[1]!)).toContain('quantity?: number');

  const status = await runCli(['status'], { cwd: repo.root });
  expect(status.stdout).toMatch(/fresh\s+cart/);
});
