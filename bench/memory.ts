// Peak memory of a spawned node process: its own high-water mark, written by a preloaded hook as it exits (exact),
// and the high-water marks of the processes it starts (the test host), polled from /proc while it runs.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_DIR } from './dist.js';
import { spawnTimed, type SpawnOptions, type SpawnResult } from './spawn.js';

/** How often the descendants are read; a child's growth in its last interval before it exits goes unseen. */
const POLL_INTERVAL_MS = 50;
const HOOK = path.join(PACKAGE_DIR, 'bench', 'peak-rss.cjs');
const PEAK_LINE = /^ainative-bench-peak-rss-kb=(\d+)$/m;
/** The script the test host runs (dist/src/adapters/test-host/host/), how it is told apart from bwrap and git. */
const TEST_HOST_ENTRY = 'host.entry.js';

/** The highest VmHWM seen of one descendant process. */
export interface ChildPeak {
  pid: number;
  /** Its argv, as last seen. */
  argv: string[];
  kb: number;
}

/** A run with the peak memory of the process itself and of each descendant seen. */
export interface PeakRun {
  run: SpawnResult;
  selfKb: number;
  children: ChildPeak[];
}

/** Runs `node <nodeArgs>` with the hook preloaded, polling its descendants; the exit code is the caller's to check. */
export async function spawnNodeWithPeak(nodeArgs: string[], options: Omit<SpawnOptions, 'onSpawn'>): Promise<PeakRun> {
  const peaks = new Map<number, ChildPeak>();
  let timer: NodeJS.Timeout | undefined;
  const run = await spawnTimed(process.execPath, ['--require', HOOK, ...nodeArgs], {
    ...options,
    onSpawn: (pid) => {
      timer = setInterval(() => pollDescendants(pid, peaks), POLL_INTERVAL_MS);
    },
  }).finally(() => clearInterval(timer));
  const match = PEAK_LINE.exec(run.stderr);
  if (!match) throw new Error(`no peak RSS line from node ${nodeArgs.join(' ')} (exit ${run.code})\n${run.stderr.slice(-2000)}`);
  return { run, selfKb: Number(match[1]), children: [...peaks.values()] };
}

/** The test host processes among a run's descendants (one, unless the build had to replace it). */
export function testHosts(peak: PeakRun): ChildPeak[] {
  // bwrap's own two processes carry the host's command line too, after `--`: the host is the node running it.
  return peak.children.filter((child) => child.argv[0] === process.execPath && child.argv.some((arg) => arg.endsWith(TEST_HOST_ENTRY)));
}

/** Kilobytes (ru_maxrss, VmHWM) as MB of 2^20 bytes. */
export function kbToMb(kb: number): number {
  return kb / 1024;
}

function pollDescendants(root: number, peaks: Map<number, ChildPeak>): void {
  for (const pid of descendants(root)) {
    const status = readProc(pid, 'status');
    const hwm = status && /^VmHWM:\s+(\d+) kB$/m.exec(status);
    if (!hwm) continue; // gone, a zombie, or a kernel thread
    const argv =
      readProc(pid, 'cmdline')
        ?.split('\0')
        .filter((arg) => arg !== '') ?? [];
    const kb = Number(hwm[1]);
    const known = peaks.get(pid);
    // A forked child shows its parent's high-water mark until it execs, and VmHWM starts again at exec: a new argv
    // under the same pid is a new program, whose figure replaces the old one.
    const sameProgram = known !== undefined && (argv.length === 0 || argv.join('\0') === known.argv.join('\0'));
    peaks.set(pid, sameProgram ? { ...known, kb: Math.max(kb, known.kb) } : { pid, argv, kb });
  }
}

function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of procEntries()) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProc(Number(entry), 'stat');
    if (!stat) continue;
    // The command name in parentheses may hold spaces: the parent pid is the second field after the last ')'.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** The entries of /proc; none where there is no /proc (the test host's peak is then missing, and says so). */
function procEntries(): string[] {
  try {
    return readdirSync('/proc');
  } catch {
    return [];
  }
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}
