import { join } from 'node:path';
import { cacheStats, pruneCache } from '../adapters/model/response-cache.js';
import { openProject } from './project.js';

/** `ainative cache stats`: entries and bytes in .ainative/cache. */
export async function cacheStatsCommand(cwd: string): Promise<{ dir: string; entries: number; bytes: number }> {
  const project = await openProject(cwd, {});
  const dir = join(project.root, '.ainative', 'cache');
  return { dir, ...(await cacheStats(dir)) };
}

/** `ainative cache prune`: removes cached replies no lock entry references. */
export async function cachePruneCommand(cwd: string): Promise<{ removed: number; kept: number; bytesFreed: number }> {
  const project = await openProject(cwd, {});
  const keep = new Set(Object.values(project.lock?.intents ?? {}).flatMap((entry) => entry.output.replies ?? []));
  return pruneCache(join(project.root, '.ainative', 'cache'), keep);
}
