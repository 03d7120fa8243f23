// The package as a user gets it: packed from a copy of this working tree (so `prepack` builds it and the running
// suite's dist/ is left alone), installed from the tarball into a fresh project, and run from there.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { simpleGit } from 'simple-git';
import { afterAll, expect, it } from 'vitest';
import { codeReply, startFakeModelServer } from '../helpers/fake-model-server.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
/** npm's ways of saying it could not reach the registry (or, offline, that the cache lacks a package). */
const NO_NETWORK = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|ENOTCACHED)\b|npm error network/;

const SCRIPT_ONLY =
  /^(npm_config_local_prefix$|npm_lifecycle_|npm_package_|npm_command$|INIT_CWD$|OPENAI_|AINATIVE_|VITEST|NODE_OPTIONS$|NO_COLOR$|FORCE_COLOR$)/i;

const temps: string[] = [];
let consumer: TempRepo | undefined;
afterAll(() => {
  consumer?.cleanup();
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/**
 * The environment a user's shell would have: without what `npm test` adds for its script (npm_config_local_prefix
 * would send `npm install` back to this repo) and without the test runner's or the model's variables.
 */
function userEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || SCRIPT_ONLY.test(key)) continue;
    env[key] = value;
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

async function run(command: string, args: string[], cwd: string, extra: Record<string, string> = {}) {
  return execa(command, args, { cwd, env: userEnv(extra), extendEnv: false, reject: false, all: true, stdin: 'ignore', timeout: 240_000 });
}

/** This working tree as git would commit it (tracked and untracked, not ignored), with its installed node_modules. */
async function copyOfWorkingTree(): Promise<string> {
  const copy = tempDir('ainative-pack-src-');
  const listed = await simpleGit({ baseDir: ROOT }).raw(['ls-files', '-z', '--cached', '--others', '--exclude-standard']);
  for (const file of listed.split('\0').filter(Boolean)) {
    if (file.startsWith('dist/') || !existsSync(join(ROOT, file))) continue;
    cpSync(join(ROOT, file), join(copy, file), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
  return copy;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

it('packs with prepack, installs from the tarball with no install scripts, and the installed CLI works', async (context) => {
  const source = await copyOfWorkingTree();
  const out = tempDir('ainative-pack-out-');
  const pack = await run('npm', ['pack', '--json', '--pack-destination', out], source);
  expect(pack.exitCode, pack.all).toBe(0);
  const [packed] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const paths = packed!.files.map((file) => file.path);
  expect(paths).toEqual(
    expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/src/cli/index.js', 'templates/init/intents/greet.intent.md']),
  );
  expect(paths.filter((path) => path.endsWith('.map'))).toEqual([]);
  expect(paths.filter((path) => !/^(dist\/src\/|templates\/|LICENSE$|README\.md$|package\.json$)/.test(path))).toEqual([]);

  consumer = await createTempRepo({ 'package.json': '{ "name": "consumer", "version": "1.0.0", "private": true, "type": "module" }\n' });
  const install = await run('npm', ['install', join(out, packed!.filename), '--prefer-offline', '--no-audit', '--no-fund'], consumer.root);
  if (install.exitCode !== 0 && NO_NETWORK.test(install.all ?? '')) {
    const why = (install.all ?? '')
      .split('\n')
      .filter((line) => line.startsWith('npm error'))
      .slice(0, 4)
      .join('\n');
    console.warn(`SKIPPED package-install: npm could not install the tarball's dependencies (no network?):\n${why}`);
    context.skip();
  }
  expect(install.exitCode, install.all).toBe(0);

  const installed = join(consumer.root, 'node_modules', 'ainative');
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
    license: string;
  };
  expect(Object.keys(manifest.scripts).filter((name) => /^(pre|post)?(install|prepare)$/.test(name))).toEqual([]);
  expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} the ainative authors\n/);
  const shipped = filesUnder(installed);
  expect(shipped.filter((file) => file.endsWith('.map'))).toEqual([]);
  expect(shipped.filter((file) => file.endsWith('.js') && readFileSync(file, 'utf8').includes('sourceMappingURL'))).toEqual([]);

  const version = await run('npx', ['--no-install', 'ainative', '--version'], consumer.root);
  expect(version.exitCode, version.all).toBe(0);
  expect(version.stdout.trim()).toBe(VERSION);

  const init = await run('npx', ['--no-install', 'ainative', 'init'], consumer.root);
  expect(init.exitCode, init.all).toBe(0);
  for (const file of ['ainative.config.json', 'intents/greet.intent.md', 'test/greet.test.ts', '.gitignore']) {
    expect(init.stdout).toContain(`created  ${file}`);
    expect(existsSync(join(consumer.root, file))).toBe(true);
  }

  // The installed package builds the example too: its test host, checker and templates all came from the tarball.
  await consumer.commit('init');
  const greet = "export function greet(name: string): string {\n  const who = name.trim() || 'world';\n  return `Hello, ${who}!`;\n}\n";
  const server = await startFakeModelServer({ replies: [{ content: codeReply('src/greet.ts', greet) }] });
  try {
    const build = await run('npx', ['--no-install', 'ainative', 'build', '--json'], consumer.root, {
      OPENAI_BASE_URL: server.baseUrl,
      OPENAI_API_KEY: 'sk-test',
    });
    expect(build.exitCode, build.all).toBe(0);
    expect(JSON.parse(build.stdout)).toMatchObject({
      ok: true,
      modules: [{ id: 'greet', status: 'built', tests: { passed: 3, failed: 0 } }],
    });
  } finally {
    await server.close();
  }
  expect(readFileSync(join(consumer.root, 'src', 'greet.ts'), 'utf8')).toContain("name.trim() || 'world'");
  expect(dirname(installed)).toBe(join(consumer.root, 'node_modules'));
}, 600_000);
