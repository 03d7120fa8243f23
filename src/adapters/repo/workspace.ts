import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, rmdir } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Workspace } from '../../core/ports.js';

/**
 * The repo on disk. Writes go through write-file-atomic (temp file + fsync + rename) so a crash never leaves half a file.
 * Reads are synchronous: the files are small source files, and a thread-pool round trip per open/stat/read/close made
 * a no-op build over 100 intents spend more time idle than working.
 */
export function createFsWorkspace(root: string): Workspace {
  const createdDirs = new Set<string>();
  const abs = (path: string) => join(root, path);
  return {
    async read(path) {
      try {
        return readFileSync(abs(path), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async write(path, content) {
      const dir = dirname(abs(path));
      const first = await mkdir(dir, { recursive: true });
      // mkdir returns the first directory it had to create: remember the chain so a failed build can remove it again.
      if (first) for (let d = dir; d.length >= first.length; d = dirname(d)) createdDirs.add(d);
      // Loaded on the first write: a build with nothing to write never pays for it.
      const { default: writeFileAtomic } = await import('write-file-atomic');
      await writeFileAtomic(abs(path), content, { encoding: 'utf8' });
    },
    async remove(path) {
      await rm(abs(path), { force: true });
      for (
        let d = dirname(abs(path));
        createdDirs.has(d) && relative(root, d) !== '' && !relative(root, d).startsWith(`..${sep}`);
        d = dirname(d)
      ) {
        try {
          await rmdir(d);
          createdDirs.delete(d);
        } catch {
          break; // not empty: something else lives there now
        }
      }
    },
    async exists(path) {
      return existsSync(abs(path));
    },
  };
}
