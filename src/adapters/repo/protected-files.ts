import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { glob, globSync } from 'tinyglobby';
import type { ProtectedFiles, ProtectedSnapshot } from '../../core/ports.js';

interface Snapshot extends ProtectedSnapshot {
  /** Bytes of each protected file, or null when it did not exist. */
  contents: Map<string, Buffer | null>;
  hashes: Map<string, string | null>;
}

/** Configuration files whose change would alter how tests run or are judged. */
const CONFIG_PATTERNS = [
  'package.json', 'package-lock.json', 'ainative.config.json', 'ainative.lock',
  'tsconfig*.json', 'vitest.config.*', 'vitest.workspace.*', 'vite.config.*',
];

/** The protected set: the given paths (tests, holdout tests, intents) plus the configuration files present in `root`. */
export async function protectedPaths(root: string, paths: string[]): Promise<string[]> {
  const configs = await glob(CONFIG_PATTERNS, { cwd: root, dot: true, ignore: ['node_modules/**', '.git/**'] });
  return [...new Set([...paths, ...configs])].sort();
}

/**
 * Takes sha256 manifests of the protected files and puts back, byte for byte, whatever changed between two moments.
 * `globs` are looked up at every snapshot, for files frozen during the build (regression tests).
 */
export function createProtectedFiles(root: string, fixed: string[], globs: string[] = []): ProtectedFiles {
  return {
    async snapshot() {
      // Synchronous, like the reads below: the loop posts the test run right after the snapshot, and the type check
      // it starts next takes the main thread for a while; a real await here would hold the run back until then.
      const found = globs.length > 0 ? globSync(globs, { cwd: root, dot: true }) : [];
      const paths = [...new Set([...fixed, ...found])];
      const contents = new Map<string, Buffer | null>();
      const hashes = new Map<string, string | null>();
      for (const path of paths) {
        const bytes = readBytes(join(root, path));
        contents.set(path, bytes);
        hashes.set(path, bytes && sha256(bytes));
      }
      return { paths, contents, hashes } satisfies Snapshot;
    },
    async restoreChanged(snapshot) {
      const { contents, hashes, paths } = snapshot as Snapshot;
      const changed: string[] = [];
      for (const path of paths) {
        const now = readBytes(join(root, path));
        if ((now && sha256(now)) === hashes.get(path)) continue;
        changed.push(path);
        const before = contents.get(path);
        if (before) {
          await mkdir(dirname(join(root, path)), { recursive: true });
          await writeFileAtomic(join(root, path), before);
        }
        else await rm(join(root, path), { force: true });
      }
      return changed;
    },
  };
}

/**
 * Synchronous: every test run reads the whole protected set twice (tests and intents of every intent); with 40
 * intents, promise-based reads made those 160 small files a tenth of the build's main-thread time.
 */
function readBytes(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
