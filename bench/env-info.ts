import { readFileSync } from 'node:fs';
import os from 'node:os';
import { spawnTimed } from './spawn.js';

/** Where and when the figures were taken. */
export interface EnvInfo {
  date: string;
  node: string;
  nproc: string;
  cpu: string;
}

/** `date -u`, `node --version`, `nproc` and the CPU model from /proc/cpuinfo. */
export async function envInfo(): Promise<EnvInfo> {
  const run = async (file: string, args: string[]) => {
    try {
      return (await spawnTimed(file, args, { cwd: process.cwd(), timeoutMs: 10_000 })).stdout.trim();
    } catch {
      return '';
    }
  };
  return {
    date: (await run('date', ['-u'])) || new Date().toUTCString(),
    node: (await run(process.execPath, ['--version'])) || process.version,
    nproc: (await run('nproc', [])) || String(os.availableParallelism()),
    cpu: cpuModel(),
  };
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => /^model name\s*:/.test(l));
    if (line) return line.split(':').slice(1).join(':').trim();
  } catch {
    // Not Linux: fall back to what Node reports.
  }
  return os.cpus()[0]?.model ?? 'unknown';
}
