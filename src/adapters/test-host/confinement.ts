// What the test host confines, decided in ainative's process: which generated modules run in compartments, and
// which paths no code under test may open. One owner for that list, used by build and check alike.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Intent } from '../../core/project/intent.js';
import { CONFIG_FILE } from '../../core/project/config.js';
import { LOCK_FILE } from '../../core/project/lock.js';
import { REGRESSIONS_DIR } from '../../core/project/bug.js';
import type { Confinement } from './host/confine-plugin.js';
import type { Folders } from './folders.js';

/** Generated modules to confine and repo-relative paths no module may open. */
export interface ConfinementRequest {
  modules: Array<{ module: string; allow: string[] }>;
  denied: string[];
}

/** ainative's own state in the work tree (the response cache), besides the lock and config. */
const AINATIVE_DIR = '.ainative';

/** The confinement of a set of intents: every `confined` module; every test, holdout test and intent file denied. */
export function confinementFor(intents: readonly Intent[]): ConfinementRequest {
  const modules = intents
    .filter((intent) => intent.isolation === 'confined')
    .map((intent) => ({ module: intent.module, allow: intent.allow }));
  const denied = intents.flatMap((intent) => [intent.file, ...intent.tests, ...intent.holdout]);
  return { modules, denied: [...new Set([...denied, REGRESSIONS_DIR, AINATIVE_DIR, LOCK_FILE, CONFIG_FILE])].sort() };
}

/**
 * The host's view: absolute, symlink-free paths, the repo's git dir denied too, and the scratch folder writable but
 * for the test threads' compile cache inside it.
 */
export function resolveConfinement(
  request: ConfinementRequest,
  root: string,
  folders: Pick<Folders, 'scratch' | 'compileCache'>,
): Confinement {
  const inRoot = (relative: string) => realOrAsIs(path.join(root, relative));
  return {
    modules: request.modules.map(({ module, allow }) => ({ file: inRoot(module), allow })),
    fsPolicy: {
      root,
      writable: [realOrAsIs(folders.scratch)],
      denied: [
        ...new Set([
          ...request.denied.map(inRoot),
          ...gitDirs(root),
          path.join(realOrAsIs(folders.scratch), path.basename(folders.compileCache)),
        ]),
      ],
    },
  };
}

/** `.git`, and the folder it points to when it is a worktree's `gitdir:` file. */
function gitDirs(root: string): string[] {
  const dotGit = path.join(root, '.git');
  const dirs = [dotGit];
  try {
    if (statSync(dotGit).isFile()) {
      const pointer = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1]?.trim();
      if (pointer) dirs.push(realOrAsIs(path.resolve(root, pointer)));
    }
  } catch {
    // No .git here (a bare folder the tests run in): nothing more to deny.
  }
  return dirs;
}

function realOrAsIs(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}
