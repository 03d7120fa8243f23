// The vite plugin that hands vitest the confined form of each generated module (module-wrapper.ts) instead of its
// source. Runs in the test host's main thread, where vite transforms modules before worker threads evaluate them.
import path from 'node:path';
import type { Plugin } from 'vitest/config';
import type { FsPolicy } from '../worker/fs-facade.js';
import { wrapModule } from './module-wrapper.js';

/** Which modules run confined, and the path policy their `fs` (when granted) follows. */
export interface Confinement {
  /** Absolute paths of the generated modules to confine, with what each intent grants. */
  modules: Array<{ file: string; allow: string[] }>;
  fsPolicy: FsPolicy;
}

/** The plugin; modules not listed pass through untouched. */
export function confinePlugin(confinement: Confinement): Plugin {
  const byFile = new Map(confinement.modules.map((module) => [path.resolve(module.file), module]));
  return {
    name: 'ainative:confine',
    enforce: 'pre',
    transform(code, id) {
      const module = byFile.get(path.resolve(id.split('?')[0]!));
      if (!module) return undefined;
      return { code: wrapModule({ file: module.file, source: code, allow: module.allow, fsPolicy: confinement.fsPolicy }), map: null };
    },
  };
}
