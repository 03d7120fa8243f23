import { stillFresh, type FreshContext } from '../core/build/fresh-record.js';
import { lockedApi } from '../core/build/inputs.js';
import { listIntentFiles } from '../adapters/project/intent-files.js';
import { loadPromptTemplates, packageVersion } from '../adapters/project/package-files.js';
import { readFreshRecord, statUnder, writeFreshRecord } from '../adapters/repo/fresh-record.js';
import { stateDirOnDisk } from '../adapters/repo/state-dir.js';
import type { Project, ProjectLocation } from './project.js';

/** One intent of an all-fresh verdict, in build order. */
export interface FreshIntent {
  id: string;
  module: string;
}

/**
 * The intents of the project's last all-fresh verdict, when nothing it was made from has changed since (see
 * core/build/fresh-record.ts); undefined when anything did, or there is no such record: load the project then.
 */
export async function freshFromRecord(location: ProjectLocation): Promise<FreshIntent[] | undefined> {
  const stateDir = stateDirOnDisk(location.gitRoot);
  const record = stateDir === undefined ? undefined : readFreshRecord(stateDir, location.root);
  if (!record) return undefined;
  const context = await freshContext(location);
  try {
    return stillFresh(record, context, listIntentFiles(location.root, location.config.intentsDir), statUnder(location.root))
      ? record.intents
      : undefined;
  } catch {
    return undefined; // a file that cannot be looked at: the full check says what is wrong with it
  }
}

/**
 * Records that every intent of `project` is fresh, for the next no-op build: only when the file index trusts the
 * stamp of every file looked at, and no used module's API had to be extracted (that reads files it does not stamp).
 */
export async function recordFresh(project: Project, intents: FreshIntent[]): Promise<void> {
  const stateDir = stateDirOnDisk(project.gitRoot);
  if (stateDir === undefined || !project.lock || !apisFromLock(project)) return;
  const files = project.files.settledFiles();
  if (!files) return;
  const intentFiles = project.intents.map((intent) => intent.file).sort();
  const record = { ...(await freshContext(project)), intentFiles, files, intents: intents.map(({ id, module }) => ({ id, module })) };
  writeFreshRecord(stateDir, project.root, record);
}

/** Whether every used module's API came from the lock (the module is the one the lock describes). */
function apisFromLock(project: Project): boolean {
  const lock = project.lock!;
  const byId = new Map(project.intents.map((intent) => [intent.id, intent]));
  return project.intents.every((intent) =>
    intent.uses.every((id) => {
      const used = byId.get(id);
      const hash = used && project.files.hash(used.module);
      return used !== undefined && hash !== undefined && lockedApi(used, hash, lock) !== undefined;
    }),
  );
}

async function freshContext(location: Pick<ProjectLocation, 'root' | 'config'>): Promise<FreshContext> {
  const { hash } = await loadPromptTemplates();
  return {
    version: packageVersion(),
    root: location.root,
    intentsDir: location.config.intentsDir,
    model: location.config.model,
    promptHash: hash,
  };
}
