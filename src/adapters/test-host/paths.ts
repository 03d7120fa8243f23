// The scripts of ainative's that the test host runs: its entry, and the setup file injected into every test file.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtScript } from '../project/package-files.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The compiled host script, run by node in the host process. */
export function hostScript(): string {
  return builtScript('adapters/test-host/host/host.entry.js');
}

/** The runtime guard setup file: compiled .js beside this file's folder, or the .ts source when running from src/. */
export function runtimeGuardFile(): string {
  for (const name of ['runtime-guard.setup.js', 'runtime-guard.setup.ts']) {
    const file = path.join(HERE, 'worker', name);
    if (existsSync(file)) return file;
  }
  throw new Error(`the runtime guard is missing in ${path.join(HERE, 'worker')}`);
}
