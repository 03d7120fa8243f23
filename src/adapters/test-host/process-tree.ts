// Finding and killing every process of a host tree. bwrap's `--new-session` puts the sandboxed processes in a
// session of their own, so killing the host's process group alone can leave them running for a moment.
import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** How often to look whether killed processes are gone. */
const POLL_INTERVAL_MS = 10;

/** Pids of all live descendants of `pid`, read from /proc; empty where there is no /proc. */
export function descendantPids(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const [child, parent] of parentsFromProc()) {
    const list = children.get(parent) ?? [];
    list.push(child);
    children.set(parent, list);
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function parentsFromProc(): Array<[number, number]> {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const pairs: Array<[number, number]> = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) pairs.push([Number(entry), stat.ppid]);
  }
  return pairs;
}

/** State letter and parent pid from /proc/<pid>/stat; the command name may contain spaces and parentheses. */
function readStat(pid: number): { state: string; ppid: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], ppid: Number(fields[1]) };
  } catch {
    return undefined;
  }
}

/** True when `pid` no longer runs; a zombie waiting to be reaped counts as gone. */
export function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
  }
  return readStat(pid)?.state === 'Z';
}

/** SIGKILLs `pids` (descendants, deepest first) and then the process group led by `leader`; gone ones are fine. */
export function killAll(leader: number, pids: number[]): void {
  // pid 0 or 1 would signal our own process group or everything: never.
  if (leader <= 1) return;
  killPids(pids);
  signal(-leader);
  signal(leader);
}

/** SIGKILLs each of `pids`, last first: children before parents, so a parent still alive can reap its child. */
export function killPids(pids: number[]): void {
  for (const pid of [...pids].reverse()) if (pid > 1) signal(pid);
}

function signal(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // ESRCH: already gone; EPERM cannot happen for our own children.
  }
}

/** Resolves once every pid is gone, or after `timeoutMs` with the ones still running. */
export async function waitUntilGone(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let running = pids.filter((pid) => !isGone(pid));
  while (running.length > 0 && Date.now() < deadline) {
    await sleep(POLL_INTERVAL_MS);
    running = running.filter((pid) => !isGone(pid));
  }
  return running;
}
