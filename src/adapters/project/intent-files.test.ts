import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTempDir, type TempDir } from '../../../test/helpers/temp-repo.js';
import { exportSignatureErrors, loadIntents } from './intent-files.js';

let dir: TempDir | undefined;
afterEach(() => {
  dir?.cleanup();
  dir = undefined;
});

function repoWith(files: Record<string, string>): string {
  dir = createTempDir(files);
  return dir.root;
}

const intent = (module: string) => `---\nmodule: ${module}\n---\nDoes a thing.\n`;

describe('loadIntents', () => {
  it('finds intents in nested folders, sorted, and skips hidden folders and other files', async () => {
    const dir = repoWith({
      'intents/b.intent.md': intent('src/b.ts'),
      'intents/api/a.intent.md': intent('src/a.ts'),
      'intents/.drafts/c.intent.md': intent('src/c.ts'),
      'intents/notes.md': '# not an intent\n',
    });
    const { intents, errors } = await loadIntents(dir, 'intents');
    expect(errors).toEqual([]);
    expect(intents.map((found) => found.file)).toEqual(['intents/api/a.intent.md', 'intents/b.intent.md']);
  });

  it('follows a link to a folder of intents', async () => {
    const dir = repoWith({ 'shared/a.intent.md': intent('src/a.ts'), 'intents/b.intent.md': intent('src/b.ts') });
    symlinkSync(join(dir, 'shared'), join(dir, 'intents', 'linked'));
    expect((await loadIntents(dir, 'intents')).intents.map((found) => found.file)).toEqual([
      'intents/b.intent.md',
      'intents/linked/a.intent.md',
    ]);
  });

  it('names files the same way whatever way the folder is written', async () => {
    const dir = repoWith({ 'specs/a.intent.md': intent('src/a.ts') });
    expect((await loadIntents(dir, './specs/')).intents.map((found) => found.file)).toEqual(['specs/a.intent.md']);
  });

  it('finds nothing when the folder does not exist', async () => {
    expect(await loadIntents(repoWith({}), 'intents')).toEqual({ intents: [], errors: [] });
  });

  it('reports two files with the same intent id, naming both', async () => {
    const dir = repoWith({ 'intents/a.intent.md': intent('src/a.ts'), 'intents/sub/a.intent.md': intent('src/other.ts') });
    const { errors } = await loadIntents(dir, 'intents');
    expect(errors).toEqual([`intents/sub/a.intent.md: intent id 'a' is already used by intents/a.intent.md`]);
  });
});

describe('exportSignatureErrors', () => {
  const withExports = (...exports: string[]) =>
    `---\nmodule: src/a.ts\nexports:\n${exports.map((one) => `  - "${one}"`).join('\n')}\n---\nDoes a thing.\n`;

  it('names the intent file and each signature that cannot be checked', async () => {
    const { intents } = await loadIntents(
      repoWith({ 'intents/a.intent.md': withExports('ok(a: number): number', 'broken(a: number: number', 'namespace A {}') }),
      'intents',
    );
    const errors = await exportSignatureErrors(intents, () => false);
    expect(errors).toEqual([
      "intents/a.intent.md: key 'exports' has the signature 'broken(a: number: number', which cannot be checked: it does not parse (Expected `,` or `)` but found `:`)",
      expect.stringMatching(
        /^intents\/a\.intent\.md: key 'exports' has the signature 'namespace A {}', which cannot be checked: it is not one of the supported forms/,
      ),
    ]);
  });

  it('skips intents a green build was made from', async () => {
    const { intents } = await loadIntents(repoWith({ 'intents/a.intent.md': withExports('broken(') }), 'intents');
    expect(await exportSignatureErrors(intents, () => true)).toEqual([]);
  });
});
