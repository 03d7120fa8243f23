import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { execa } from 'execa';
import { load } from 'js-yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { simpleGit } from 'simple-git';
import { createGitOnlyBin, gitExecutable } from '../../../test/helpers/git-only-bin.js';
import { commitAsUser, createTempRepo, type TempRepo } from '../../../test/helpers/temp-repo.js';
import { commitGenerated } from './commit.js';
import { HOOK_MARKER, hookSnippets, installPreCommitHook, renderPreCommitHook, type HookLauncher } from './hook.js';
import { builtScript, packageRoot } from '../project/package-files.js';

const repos: TempRepo[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const repo of repos.splice(0)) repo.cleanup();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function repoWith(files: Record<string, string> = { 'a.ts': '1' }): Promise<TempRepo> {
  const repo = await createTempRepo(files, { commit: true });
  repos.push(repo);
  return repo;
}

async function isExecutable(path: string): Promise<boolean> {
  return ((await stat(path)).mode & 0o111) === 0o111;
}

const template = (): Promise<string> => readFile(join(packageRoot(), 'templates', 'hooks', 'pre-commit'), 'utf8');
/** The hook as installed by this process: the template naming this node and this package's built CLI. */
const installed = async (): Promise<string> =>
  renderPreCommitHook(await template(), { node: process.execPath, cli: builtScript('cli/index.js') });

describe('installPreCommitHook', () => {
  it('installs the template as an executable .git/hooks/pre-commit', async () => {
    const repo = await repoWith();
    const path = await installPreCommitHook(repo.root);
    expect(path).toBe(join(repo.root, '.git', 'hooks', 'pre-commit'));
    expect(await readFile(path, 'utf8')).toBe(await installed());
    expect(await readFile(path, 'utf8')).toContain(HOOK_MARKER);
    expect(await isExecutable(path)).toBe(true);
  });

  it('installs into core.hooksPath when it is set, creating the folder', async () => {
    const repo = await repoWith();
    // simple-git's unsafe-operations guard refuses core.hooksPath unless told that this is meant.
    await simpleGit({ baseDir: repo.root, unsafe: { allowUnsafeHooksPath: true } }).addConfig('core.hooksPath', '.githooks');
    const path = await installPreCommitHook(repo.root);
    expect(path).toBe(join(repo.root, '.githooks', 'pre-commit'));
    expect(await isExecutable(path)).toBe(true);
  });

  it('installs into the hooks shared by a linked worktree', async () => {
    const repo = await repoWith();
    const worktree = join(await mkdtemp(join(tmpdir(), 'ainative-wt-')), 'wt');
    dirs.push(dirname(worktree));
    await repo.git.raw(['worktree', 'add', '-b', 'side', worktree]);
    const path = await installPreCommitHook(worktree);
    expect(await readFile(join(repo.root, '.git', 'hooks', 'pre-commit'), 'utf8')).toBe(await installed());
    expect(path.endsWith(join('.git', 'hooks', 'pre-commit'))).toBe(true);
  });

  it('refuses to overwrite a hook it did not write, unless forced', async () => {
    const repo = await repoWith();
    const foreign = '#!/bin/sh\nnpm run lint\n';
    await repo.write('.git/hooks/pre-commit', foreign);
    await expect(installPreCommitHook(repo.root)).rejects.toMatchObject({ name: 'RefusalError', exitCode: 4 });
    await expect(installPreCommitHook(repo.root)).rejects.toThrow(/was not installed by ainative.*ainative build --staged/);
    expect(await repo.read('.git/hooks/pre-commit')).toBe(foreign);
    await installPreCommitHook(repo.root, { force: true });
    expect(await repo.read('.git/hooks/pre-commit')).toBe(await installed());
  });

  it('replaces a hook it wrote before and makes it executable again', async () => {
    const repo = await repoWith();
    await repo.write('.git/hooks/pre-commit', `#!/bin/sh\n${HOOK_MARKER}\necho an older version\n`);
    await chmod(join(repo.root, '.git', 'hooks', 'pre-commit'), 0o644);
    const path = await installPreCommitHook(repo.root);
    expect(await readFile(path, 'utf8')).toBe(await installed());
    expect(await isExecutable(path)).toBe(true);
  });
});

describe('renderPreCommitHook', () => {
  it('records the node and CLI paths as single sh words, whatever quotes and spaces they hold', async () => {
    const launcher = { node: "/opt/node's bin/node", cli: '/home/a b/$HOME/`x`/cli.js' };
    const script = renderPreCommitHook('a=@@NODE@@\nb=@@CLI@@\nprintf "%s\\n%s" "$a" "$b"\n', launcher);
    expect((await execa('sh', ['-c', script])).stdout).toBe(`${launcher.node}\n${launcher.cli}`);
  });
});

describe('the installed hook', () => {
  /** A stand-in `ainative` that logs its arguments (to .git/fake-log from the top of the work tree) and exits with FAKE_EXIT, else 1. */
  async function fakeAinative(repo: TempRepo, where: string): Promise<void> {
    const script = '#!/bin/sh\necho "$*" >> .git/fake-log\necho "fake build output"\nexit "${FAKE_EXIT:-1}"\n';
    await repo.write(where, script);
    await chmod(join(repo.root, where), 0o755);
  }

  /** `git commit` of one staged file, as a user would run it, with `ainative` looked up on `path`. */
  async function userCommit(repo: TempRepo, path: string, fakeExit = 0) {
    await repo.write('intents/x.intent.md', `change ${Math.random()}`);
    await repo.git.add('intents/x.intent.md');
    const env = { PATH: path, FAKE_EXIT: String(fakeExit), npm_config_offline: 'true' };
    const result = await commitAsUser(repo, 'user commit', env);
    const log = (await repo.read('.git/fake-log')) ?? '';
    return { exitCode: result.exitCode, output: result.all, log };
  }

  const withBin = (repo: TempRepo): string => [join(repo.root, 'bin'), process.env.PATH].join(delimiter);

  it('runs `ainative build --staged --stage` from PATH and lets the commit through when it passes', async () => {
    const repo = await repoWith();
    await fakeAinative(repo, 'bin/ainative');
    await installPreCommitHook(repo.root);
    const result = await userCommit(repo, withBin(repo));
    expect(result.exitCode).toBe(0);
    expect(result.log).toBe('build --staged --stage\n');
  });

  it("prefers the project's own install through npx", async () => {
    const repo = await repoWith({ '.gitignore': 'node_modules/\nbin/\n' });
    await fakeAinative(repo, 'node_modules/.bin/ainative');
    await installPreCommitHook(repo.root);
    const result = await userCommit(repo, process.env.PATH ?? '');
    expect(result.exitCode).toBe(0);
    expect(result.log).toBe('build --staged --stage\n');
  });

  it('blocks the commit with a clear message when the build fails', async () => {
    const repo = await repoWith();
    await fakeAinative(repo, 'bin/ainative');
    await installPreCommitHook(repo.root);
    const before = (await repo.git.revparse(['HEAD'])).trim();
    const result = await userCommit(repo, withBin(repo), 1);
    expect(result.exitCode).not.toBe(0);
    expect(result.output).toContain('fake build output');
    expect(result.output).toMatch(/ainative build --staged --stage' failed \(exit 1\); the commit was blocked/);
    expect((await repo.git.revparse(['HEAD'])).trim()).toBe(before);
  });

  /** A folder holding only git, for a PATH with no node, npx or ainative on it (as some GUI git clients pass). */
  function onlyGit(): string {
    const bin = createGitOnlyBin();
    dirs.push(bin.dir);
    return bin.dir;
  }

  it('falls back to the node and CLI that installed it when neither node_modules/.bin nor PATH has ainative', async () => {
    const repo = await repoWith();
    // A stand-in CLI entry in a folder whose name needs quoting in sh.
    const folder = await mkdtemp(join(tmpdir(), "ainative cli's "));
    dirs.push(folder);
    const cli = join(folder, 'index.js');
    await writeFile(cli, "require('node:fs').appendFileSync('.git/fake-log', process.argv.slice(2).join(' ') + '\\n');\n");
    await installPreCommitHook(repo.root, { launcher: { node: process.execPath, cli } });

    const result = await userCommit(repo, onlyGit());
    expect(result.output).not.toContain('cannot find the ainative CLI');
    expect(result.exitCode).toBe(0);
    expect(result.log).toBe('build --staged --stage\n');
  });

  it('blocks the commit when no ainative CLI can be found', async (context) => {
    const repo = await repoWith();
    const gone: HookLauncher = { node: process.execPath, cli: join(tmpdir(), 'ainative-uninstalled', 'dist', 'src', 'cli', 'index.js') };
    await installPreCommitHook(repo.root, { launcher: gone });
    const bare = [...new Set(['/usr/bin', '/bin', dirname(gitExecutable())])].join(delimiter);
    const found = await execa('sh', ['-c', 'command -v ainative'], { env: { PATH: bare }, reject: false });
    if (found.exitCode === 0) context.skip('an ainative is installed in a system bin folder');
    const result = await userCommit(repo, bare);
    expect(result.exitCode).not.toBe(0);
    expect(result.output).toContain(`cannot find the ainative CLI (no node_modules/.bin/ainative, none on PATH, and ${gone.cli} is gone)`);
  });

  it('stays out of the way while ainative commits its own output', async () => {
    const repo = await repoWith({ '.gitignore': 'node_modules/\n' });
    await fakeAinative(repo, 'node_modules/.bin/ainative');
    await installPreCommitHook(repo.root);
    // The control: a user's commit does reach the (failing) fake.
    expect((await userCommit(repo, process.env.PATH ?? '', 1)).exitCode).not.toBe(0);
    await repo.write('src/x.ts', 'generated');
    await commitGenerated(repo.root, repo.root, { paths: ['src/x.ts'], intents: ['x'], model: 'm', attempts: { x: 1 } });
    expect(await repo.read('.git/fake-log')).toBe('build --staged --stage\n');
  });
});

describe('hookSnippets', () => {
  it('gives husky, lefthook and pre-commit lines that run the staged build', () => {
    const snippets = hookSnippets();
    for (const snippet of Object.values(snippets)) expect(snippet).toContain('ainative build --staged --stage');
    expect(snippets.husky).toContain('AINATIVE_IN_COMMIT');
    expect(snippets.lefthook).toMatch(/^pre-commit:\n {2}commands:\n/);
    expect(snippets.preCommit).toContain('pass_filenames: false');
  });
});

/** YAML parsed by the library ainative reads frontmatter with, so the test needs no extra dependency. */
function parseYaml(text: string): unknown {
  return load(text);
}

describe('hook and CI templates', () => {
  it('gives lefthook and pre-commit snippets that are valid YAML', () => {
    const { lefthook, preCommit } = hookSnippets();
    expect(parseYaml(lefthook)).toEqual({
      'pre-commit': { commands: { ainative: { run: '[ -n "$AINATIVE_IN_COMMIT" ] || npx --no-install ainative build --staged --stage' } } },
    });
    expect(parseYaml(preCommit)).toMatchObject({ repos: [{ repo: 'local', hooks: [{ id: 'ainative-build', pass_filenames: false }] }] });
  });

  it('offers the pre-commit framework an ainative-build hook', async () => {
    const hooks = parseYaml(await readFile(join(packageRoot(), '.pre-commit-hooks.yaml'), 'utf8'));
    expect(hooks).toEqual([
      expect.objectContaining({
        id: 'ainative-build',
        entry: 'ainative build --staged --stage',
        language: 'node',
        pass_filenames: false,
        files: '^(intents/|test/|src/)',
      }),
    ]);
  });

  it('has a GitHub Actions workflow that installs and runs ainative check', async () => {
    const workflow = parseYaml(await readFile(join(packageRoot(), 'templates', 'ci', 'github-actions.yml'), 'utf8')) as {
      jobs: Record<string, { steps: Record<string, unknown>[] }>;
    };
    const steps = workflow.jobs.check!.steps;
    expect(steps.map((step) => step.uses ?? step.run)).toEqual([
      'actions/checkout@v4',
      'actions/setup-node@v4',
      'npm ci',
      'npx ainative check',
    ]);
    expect(steps[1]).toMatchObject({ with: { 'node-version': 24 } });
  });
});
