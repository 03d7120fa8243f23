import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { simpleGit } from 'simple-git';
import { RefusalError } from '../../core/errors.js';
import { IN_COMMIT_ENV } from './commit.js';
import { packageRoot } from '../project/package-files.js';

/** The comment that marks a hook as ainative's own, so it may be replaced without `force`. */
export const HOOK_MARKER = '# installed by ainative';

const BUILD_STAGED = 'npx --no-install ainative build --staged --stage';

/** Installs ainative's pre-commit hook where git looks for hooks (core.hooksPath, worktrees); returns the path written. */
export async function installPreCommitHook(gitRoot: string, options: { force?: boolean } = {}): Promise<string> {
  const path = join(await hooksDir(gitRoot), 'pre-commit');
  const existing = await readFile(path, 'utf8').catch(() => undefined);
  if (existing !== undefined && !existing.includes(HOOK_MARKER) && options.force !== true) {
    throw new RefusalError(
      `${path} exists and was not installed by ainative; add ainative to it instead (\`${BUILD_STAGED}\`), ` +
        'or force the install to replace it',
    );
  }
  const script = await readFile(join(packageRoot(), 'templates', 'hooks', 'pre-commit'), 'utf8');
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, script);
  // writeFile keeps the mode of a file it overwrites, so set it either way.
  await chmod(path, 0o755);
  return path;
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
