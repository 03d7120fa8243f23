import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { simpleGit } from 'simple-git';
import { RefusalError } from '../../core/errors.js';
import { IN_COMMIT_ENV } from './commit.js';
import { builtScript, packageRoot } from '../project/package-files.js';

/** The comment that marks a hook as ainative's own, so it may be replaced without `force`. */
export const HOOK_MARKER = '# installed by ainative';

const BUILD_STAGED = 'npx --no-install ainative build --staged --stage';

/** How to run a particular ainative without looking it up: a node binary and the CLI entry script, absolute paths. */
export interface HookLauncher {
  node: string;
  cli: string;
}

export interface InstallHookOptions {
  force?: boolean;
  /** Recorded in the hook as its last resort; default: this process's node and this package's built CLI. */
  launcher?: HookLauncher;
}

/** Installs ainative's pre-commit hook where git looks for hooks (core.hooksPath, worktrees); returns the path written. */
export async function installPreCommitHook(gitRoot: string, options: InstallHookOptions = {}): Promise<string> {
  const path = join(await hooksDir(gitRoot), 'pre-commit');
  const existing = await readFile(path, 'utf8').catch(() => undefined);
  if (existing !== undefined && !existing.includes(HOOK_MARKER) && options.force !== true) {
    throw new RefusalError(
      `${path} exists and was not installed by ainative; add ainative to it instead (\`${BUILD_STAGED}\`), ` +
        'or force the install to replace it',
    );
  }
  const template = await readFile(join(packageRoot(), 'templates', 'hooks', 'pre-commit'), 'utf8');
  const launcher = options.launcher ?? { node: process.execPath, cli: builtScript('cli/index.js') };
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, renderPreCommitHook(template, launcher));
  // writeFile keeps the mode of a file it overwrites, so set it either way.
  await chmod(path, 0o755);
  return path;
}

/** The hook template with the launcher's paths filled in, quoted for sh. */
export function renderPreCommitHook(template: string, launcher: HookLauncher): string {
  return template.replace('@@NODE@@', () => shellQuote(launcher.node)).replace('@@CLI@@', () => shellQuote(launcher.cli));
}

/** One sh word, whatever the text holds: single quotes, each inner quote closed, escaped and reopened. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Lines a user adds to husky (.husky/pre-commit), lefthook (lefthook.yml) and pre-commit (.pre-commit-config.yaml). */
export function hookSnippets(): { husky: string; lefthook: string; preCommit: string } {
  // Each skips the build while ainative commits its own output, as the installed hook does.
  const guarded = `[ -n "$${IN_COMMIT_ENV}" ] || ${BUILD_STAGED}`;
  return {
    husky: `${guarded}\n`,
    lefthook: ['pre-commit:', '  commands:', '    ainative:', `      run: '${guarded}'`, ''].join('\n'),
    preCommit: [
      'repos:',
      '  - repo: local',
      '    hooks:',
      '      - id: ainative-build',
      '        name: ainative build',
      // pre-commit runs `entry` without a shell, so the guard needs one.
      `        entry: sh -c '[ -n "$${IN_COMMIT_ENV}" ] || exec ${BUILD_STAGED}'`,
      '        language: system',
      '        pass_filenames: false',
      "        files: '^(intents/|test/|src/)'",
      '',
    ].join('\n'),
  };
}

/** Where git runs hooks from: core.hooksPath when set, else the (common) git dir's hooks/. */
async function hooksDir(gitRoot: string): Promise<string> {
  // --git-path knows core.hooksPath and that linked worktrees share the main repo's hooks; relative answers are from gitRoot.
  const dir = (await simpleGit({ baseDir: gitRoot }).raw(['rev-parse', '--git-path', 'hooks'])).trim();
  return isAbsolute(dir) ? dir : join(gitRoot, dir);
}
