import { EXIT } from '../core/errors.js';
import { findRepoRoot } from '../adapters/repo/root.js';
import { hookSnippets, installPreCommitHook } from '../adapters/git/hook.js';
import { RefusalError } from '../core/errors.js';

/** Installs the pre-commit hook and shows the lines for husky, lefthook and the pre-commit framework. */
export async function runHookInstall(cwd: string, force: boolean, stdout: NodeJS.WriteStream): Promise<number> {
  const gitRoot = await findRepoRoot(cwd);
  if (!gitRoot) throw new RefusalError(`${cwd}: not inside a git repository`);
  const path = await installPreCommitHook(gitRoot, { force });
  const snippets = hookSnippets();
  stdout.write(`installed ${path}\n\nUsing a hook manager instead? Add this:\n`);
  stdout.write(
    `\nhusky (.husky/pre-commit):\n${snippets.husky}\n\nlefthook (lefthook.yml):\n${snippets.lefthook}\n\npre-commit (.pre-commit-config.yaml):\n${snippets.preCommit}\n`,
  );
  return EXIT.ok;
}
