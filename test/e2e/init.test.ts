import { afterEach, expect, it } from 'vitest';
import { codeReply } from '../helpers/fake-model-server.js';
import { runWithModel } from '../helpers/scenario.js';
import { runCli } from '../helpers/run-cli.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

const GREET = `export function greet(name: string): string {
  const trimmed = name.trim();
  return \`Hello, \${trimmed === '' ? 'world' : trimmed}!\`;
}
`;

/** The paths of `paths` that git would ignore in the repo. */
async function ignored(paths: string[]): Promise<string[]> {
  // check-ignore exits 1 when it ignores none of them, which simple-git takes as an empty answer.
  return (await repo.git.raw(['check-ignore', '--no-index', ...paths])).split('\n').filter(Boolean);
}

it('scaffolds a project with an example intent that ainative builds, and never overwrites on a second init', async () => {
  repo = await createTempRepo();
  const init = await runCli(['init'], { cwd: repo.root });
  expect(init.exitCode).toBe(0);
  const scaffold = [
    'ainative.config.json',
    'tsconfig.json',
    'vitest.config.ts',
    'intents/README.md',
    'intents/greet.intent.md',
    'test/greet.test.ts',
    '.gitignore',
  ];
  for (const file of scaffold) {
    expect(init.stdout).toContain(`created  ${file}`);
    expect(await repo.read(file)).toBeDefined();
  }
  expect(init.stdout).toContain('created  src/');
  expect(await ignored(['node_modules/vitest/package.json', '.env'])).toEqual(['node_modules/vitest/package.json', '.env']);
  expect(
    await ignored([
      'ainative.lock',
      '.ainative/cache/0a1b.json',
      '.gitattributes',
      'src/greet.ts',
      'intents/greet.intent.md',
      'test/greet.test.ts',
    ]),
  ).toEqual([]);

  await repo.write(
    'tsconfig.json',
    '{ "compilerOptions": { "strict": true, "allowImportingTsExtensions": true, "noEmit": true, "module": "ESNext", "moduleResolution": "Bundler" } }\n',
  );
  const again = await runCli(['init'], { cwd: repo.root });
  expect(again.stdout).toContain('kept     tsconfig.json (already exists)');
  expect(again.stdout).toContain('kept     .gitignore (already exists)');
  expect(again.stdout).not.toContain('created');
  expect(await repo.read('tsconfig.json')).toContain('"strict": true');

  await repo.commit();
  const build = await runWithModel(repo, [{ content: codeReply('src/greet.ts', GREET) }], ['build', '--json']);
  expect(build.exitCode).toBe(0);
  expect(JSON.parse(build.stdout).modules).toMatchObject([{ id: 'greet', status: 'built', tests: { passed: 3, failed: 0 } }]);
  expect(await repo.read('src/greet.ts')).toContain("trimmed === '' ? 'world' : trimmed");
});

it("adds only the lines an existing .gitignore lacks, keeping the user's lines in their order", async () => {
  const mine = '# mine\ndist/\n/node_modules\n*.log';
  repo = await createTempRepo({ '.gitignore': mine });
  const init = await runCli(['init'], { cwd: repo.root });

  expect(init.exitCode).toBe(0);
  expect(init.stdout).toContain('updated  .gitignore (added .env)');
  expect(await repo.read('.gitignore')).toBe(`${mine}\n.env\n`);
});
