import { afterEach, expect, it } from 'vitest';
import { codeReply } from '../helpers/fake-model-server.js';
import { runWithModel } from '../helpers/scenario.js';
import { runCli } from '../helpers/run-cli.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

// base <- mid <- top, and other on its own.
function intent(id: string, uses: string[] = []): string {
  return `---\nmodule: src/${id}.ts\n${uses.length > 0 ? `uses: [${uses.join(', ')}]\n` : ''}---\nReturns ${id.length}.\n`;
}
function test(id: string): string {
  return `import { expect, it } from 'vitest';\nimport { ${id} } from '../src/${id}.ts';\n\nit('${id}', () => {\n  expect(${id}()).toBe(${id.length});\n});\n`;
}
const IDS = ['base', 'mid', 'top', 'other'];
const files = Object.fromEntries(
  IDS.flatMap((id) => [
    [`intents/${id}.intent.md`, intent(id, { mid: ['base'], top: ['mid'] }[id] ?? [])],
    [`test/${id}.test.ts`, test(id)],
  ]),
);
const reply = (id: string) => ({ content: codeReply(`src/${id}.ts`, `export function ${id}(): number {\n  return ${id.length};\n}\n`) });

it('builds only the named intents and what they use, and status shows the same selection', async () => {
  repo = await createTempRepo(files, { commit: true });
  const run = await runWithModel(repo, [reply('base'), reply('mid')], ['build', 'mid', '--json']);

  expect(run.exitCode).toBe(0);
  expect(JSON.parse(run.stdout).modules.map((module: { id: string; status: string }) => `${module.id}:${module.status}`)).toEqual([
    'base:built',
    'mid:built',
  ]);
  expect(await repo.read('src/top.ts')).toBeUndefined();
  expect(await repo.read('src/other.ts')).toBeUndefined();

  const status = JSON.parse((await runCli(['status', 'top', '--json'], { cwd: repo.root })).stdout);
  expect(status.intents.map((one: { id: string; state: string }) => `${one.id}:${one.state}`)).toEqual([
    'base:fresh',
    'mid:fresh',
    'top:stale',
  ]);
});

it('refuses an unknown intent id as a usage error naming it, before anything runs', async () => {
  repo = await createTempRepo(files, { commit: true });
  const run = await runWithModel(repo, [], ['build', 'top', 'nope']);

  expect(run.exitCode).toBe(2);
  expect(run.stderr).toContain("unknown intent 'nope'");
  expect(run.requests).toHaveLength(0);
  expect((await repo.git.status()).files).toEqual([]);

  const status = await runCli(['status', 'gone'], { cwd: repo.root });
  expect(status.exitCode).toBe(2);
  expect(status.stderr).toContain("unknown intent 'gone'");
});
