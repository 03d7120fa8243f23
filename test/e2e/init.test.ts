import { afterEach, expect, it } from 'vitest';
import { codeReply } from '../helpers/fake-model-server.js';
import { runWithModel } from '../helpers/scenario.js';
import { runCli } from '../helpers/run-cli.js';
import { SUM_RIGHT, sumRepoFiles } from '../helpers/sum-fixture.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

it('scaffolds a project that ainative can then build, and never overwrites on a second init', async () => {
  repo = await createTempRepo();
  const init = await runCli(['init'], { cwd: repo.root });
  expect(init.exitCode).toBe(0);
  for (const file of ['ainative.config.json', 'tsconfig.json', 'vitest.config.ts', 'intents/README.md']) {
    expect(init.stdout).toContain(`created  ${file}`);
    expect(await repo.read(file)).toBeDefined();
  }
  await repo.write('tsconfig.json', '{ "compilerOptions": { "strict": true, "allowImportingTsExtensions": true, "noEmit": true, "module": "ESNext", "moduleResolution": "Bundler" } }\n');
  const again = await runCli(['init'], { cwd: repo.root });
  expect(again.stdout).toContain('kept     tsconfig.json (already exists)');
  expect(await repo.read('tsconfig.json')).toContain('"strict": true');

  for (const [path, content] of Object.entries(sumRepoFiles())) await repo.write(path, content);
  await repo.commit();
  const build = await runWithModel(repo, [{ content: codeReply('src/sum.ts', SUM_RIGHT) }]);
  expect(build.exitCode).toBe(0);
  expect(await repo.read('src/sum.ts')).toContain('return a + b;');
});
