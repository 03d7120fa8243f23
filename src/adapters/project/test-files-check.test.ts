import { afterEach, describe, expect, it } from 'vitest';
import { createTempDir, type TempDir } from '../../../test/helpers/temp-repo.js';
import { parseIntent, type Intent } from '../../core/project/intent.js';
import { testFileProblems } from './test-files-check.js';

let dir: TempDir | undefined;
afterEach(() => {
  dir?.cleanup();
  dir = undefined;
});

function repoWith(files: Record<string, string>): string {
  dir = createTempDir(files);
  return dir.root;
}

function intent(id: string, frontmatter: string): Intent {
  const parsed = parseIntent(`intents/${id}.intent.md`, `---\n${frontmatter}\n---\nDoes it.\n`);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.intent;
}

const cart = intent('cart', 'module: src/cart.ts\nuses: [price]');
const price = intent('price', 'module: src/price.ts');
const tax = intent('tax', 'module: src/tax.ts');

function problems(files: Record<string, string>, options: { configMayAlias?: boolean } = {}): string[] {
  const dir = repoWith(files);
  return testFileProblems({ root: dir, intents: [cart], all: [cart, price, tax], configMayAlias: options.configMayAlias ?? false });
}

describe('testFileProblems', () => {
  it('names the file, line and column of a test that does not parse', () => {
    expect(problems({ 'test/cart.test.ts': "import { it } from 'vitest';\nit('adds', () => {\n  expect(1).toBe(1)\n" })).toEqual([
      'test/cart.test.ts:4:1: does not parse as TypeScript: Expected `}` but found `EOF`',
    ]);
  });

  it('accepts the modules builds write, however the test names them, and what is installed or built in', () => {
    const test = [
      "import { it } from 'vitest';",
      "import { total } from '../src/cart.js';",
      "import { price } from '../src/price';",
      "import type { Money } from 'not-installed-types';",
      "import { readFileSync } from 'node:fs';",
      "import path from 'path';",
      "import { helper } from './helpers/index.js';",
      "import { Button } from './helpers/button.jsx';",
      "import data from './fixtures/cart.json';",
      "import { z } from 'zod/v4';",
      "import self from 'shop/cart';",
    ].join('\n');
    expect(
      problems({
        'test/cart.test.ts': test,
        'test/helpers/index.ts': 'export const helper = 1;\n',
        'test/helpers/button.jsx': 'export const Button = () => <button>ok</button>;\n',
        'test/fixtures/cart.json': '{}',
        'node_modules/zod/package.json': '{"name":"zod"}',
        'package.json': '{"name":"shop"}',
      }),
    ).toEqual([]);
  });

  it('names an import of a file that is not there, and follows the helpers a test imports', () => {
    const test = "import { a } from './helpers/fixture.ts';\nimport { b } from './missing';\n";
    expect(
      problems({ 'test/cart.test.ts': test, 'test/helpers/fixture.ts': "import { c } from '../../lib/gone.js';\nexport const a = c;\n" }),
    ).toEqual([
      "test/cart.test.ts: imports './missing', which does not resolve: there is no file test/missing (with any of the extensions .ts, .js, …)",
      "test/helpers/fixture.ts: imports '../../lib/gone.js', which does not resolve: there is no file lib/gone.js",
    ]);
  });

  it('names a package that is not installed, with the install command of the repo’s package manager', () => {
    expect(problems({ 'test/cart.test.ts': "import { z } from 'zod';\nimport { x } from '@acme/money/fmt';\n" })).toEqual([
      "test/cart.test.ts: imports 'zod', which does not resolve: the package 'zod' is not installed; install it with npm i -D zod",
      "test/cart.test.ts: imports '@acme/money/fmt', which does not resolve: the package '@acme/money' is not installed; install it with npm i -D @acme/money",
    ]);
    expect(problems({ 'test/cart.test.ts': "import { z } from 'zod';\n", 'pnpm-lock.yaml': '' })[0]).toMatch(
      /install it with pnpm add -D zod$/,
    );
  });

  it('leaves bare imports alone when the repo’s vitest config may alias them, and never judges alias forms', () => {
    expect(problems({ 'test/cart.test.ts': "import { z } from 'zod';\n" }, { configMayAlias: true })).toEqual([]);
    expect(
      problems({
        'test/cart.test.ts': "import a from '@/lib/a';\nimport b from '~/b';\nimport c from '#c';\nimport d from 'virtual:d';\n",
      }),
    ).toEqual([]);
  });

  it('says to declare the intent whose unbuilt module a test imports without using it', () => {
    expect(problems({ 'test/cart.test.ts': "import { tax } from '../src/tax.ts';\n" })).toEqual([
      "test/cart.test.ts: imports '../src/tax.ts', which does not resolve: it is src/tax.ts, the module of intent 'tax', which is not built yet; add 'tax' to 'uses' in intents/cart.intent.md so it is built first",
    ]);
    expect(problems({ 'test/cart.test.ts': "import { tax } from '../src/tax.ts';\n", 'src/tax.ts': 'export const tax = 1;\n' })).toEqual(
      [],
    );
  });
});
