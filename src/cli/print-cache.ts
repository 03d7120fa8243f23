import { EXIT } from '../core/errors.js';
import { cachePruneCommand, cacheStatsCommand } from '../commands/cache.js';

/** Prints `ainative cache stats`. */
export async function runCacheStats(cwd: string, json: boolean, stdout: NodeJS.WriteStream): Promise<number> {
  const stats = await cacheStatsCommand(cwd);
  if (json) stdout.write(`${JSON.stringify({ entries: stats.entries, bytes: stats.bytes }, null, 2)}\n`);
  else stdout.write(`${stats.entries} cached replies, ${formatBytes(stats.bytes)} in .ainative/cache\n`);
  return EXIT.ok;
}

/** Prints `ainative cache prune`. */
export async function runCachePrune(cwd: string, json: boolean, stdout: NodeJS.WriteStream): Promise<number> {
  const result = await cachePruneCommand(cwd);
  if (json) stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else
    stdout.write(
      `removed ${result.removed} cached replies no longer in ainative.lock (${formatBytes(result.bytesFreed)}); kept ${result.kept}\n`,
    );
  return EXIT.ok;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
