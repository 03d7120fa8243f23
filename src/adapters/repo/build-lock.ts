import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { AinativeError, EXIT } from '../../core/errors.js';

/** Who holds the build lock, as shown to a second build. */
export interface BuildLockHolder {
  pid: number;
  command: string;
  /** ISO 8601. */
  startedAt: string;
}

export interface BuildLockOptions {
  /** A lock not refreshed for this long is reclaimed even if its pid is alive (pid reuse, another host). */
  staleMs?: number;
  /** How often the holder refreshes the lock. */
  refreshMs?: number;
  /** Milliseconds since the epoch. */
  now?: () => number;
}

/** Releases the lock; safe to call more than once. */
export type ReleaseBuildLock = () => Promise<void>;

const BUILD_LOCK_STALE_MS = 5 * 60_000; // 5 minutes
const BUILD_LOCK_REFRESH_MS = 30_000; // 30 seconds

/** Another live ainative build holds this repo's build lock. */
export class BuildLockedError extends AinativeError {
  readonly code = 'BUILD_LOCKED';
  constructor(readonly holder: BuildLockHolder) {
    super(
      `another ainative build is running in this repo (pid ${holder.pid}, started ${holder.startedAt}: ${holder.command}); wait for it or stop it`,
      EXIT.locked,
    );
  }
}

/** What holder.json holds: the public holder plus what tells this lock apart from any other. */
interface LockRecord extends BuildLockHolder {
  token: string;
  host: string;
}

const LOCK_NAME = 'build.lock';
const HOLDER_FILE = 'holder.json';
const MAX_ATTEMPTS = 5;
/** Tokens of the locks this process holds, so a lock naming our own pid but none of these is a dead predecessor's. */
const heldTokens = new Set<string>();

/**
 * Takes the one-build-per-repo lock `<lockDir>/build.lock` (lockDir lives in the git dir, never the work tree).
 * Throws BuildLockedError while a live holder has it; reclaims silently a lock whose holder is dead or stale.
 */
export async function acquireBuildLock(
  lockDir: string,
  holder: BuildLockHolder,
  options: BuildLockOptions = {},
): Promise<ReleaseBuildLock> {
  const { staleMs = BUILD_LOCK_STALE_MS, refreshMs = BUILD_LOCK_REFRESH_MS, now = Date.now } = options;
  const lockPath = join(lockDir, LOCK_NAME);
  const record: LockRecord = { ...holder, token: randomUUID(), host: hostname() };
  await mkdir(lockDir, { recursive: true });
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (await tryCreate(lockDir, lockPath, record, now())) {
      return startHolding(lockDir, lockPath, record, refreshMs, now);
    }
    const current = await readRecord(lockPath);
    if (!current) continue; // released meanwhile
    const { record: held, mtimeMs } = current;
    if (held && !isAbandoned(held, mtimeMs, now(), staleMs)) throw new BuildLockedError(publicHolder(held));
    await removeLockIf(lockDir, lockPath, held?.token);
  }
  throw new Error(`could not take the build lock at ${lockPath} after ${MAX_ATTEMPTS} attempts`);
}

/** Publishes a fully written lock dir with one rename, so a lock is never seen without its holder. */
async function tryCreate(lockDir: string, lockPath: string, record: LockRecord, nowMs: number): Promise<boolean> {
  const staging = join(lockDir, `${LOCK_NAME}.new-${record.token}`);
  await mkdir(staging);
  await writeFile(join(staging, HOLDER_FILE), `${JSON.stringify(record, null, 2)}\n`);
  await utimes(join(staging, HOLDER_FILE), nowMs / 1000, nowMs / 1000);
  heldTokens.add(record.token); // before the rename: a concurrent acquire in this process must see it live
  try {
    // Renaming a directory onto an existing non-empty one fails; a published lock always holds holder.json.
    await rename(staging, lockPath);
    return true;
  } catch (error) {
    heldTokens.delete(record.token);
    await rm(staging, { recursive: true, force: true });
    if (['EEXIST', 'ENOTEMPTY', 'EPERM', 'EACCES'].includes((error as NodeJS.ErrnoException).code ?? '')) return false;
    throw error;
  }
}

function startHolding(lockDir: string, lockPath: string, record: LockRecord, refreshMs: number, now: () => number): ReleaseBuildLock {
  const holderPath = join(lockPath, HOLDER_FILE);
  const timer = setInterval(() => {
    const seconds = now() / 1000;
    utimes(holderPath, seconds, seconds).catch(() => {}); // a missed refresh only brings staleness closer
  }, refreshMs);
  timer.unref();
  let released: Promise<void> | undefined;
  return () => {
    released ??= (async () => {
      clearInterval(timer);
      await removeLockIf(lockDir, lockPath, record.token);
      heldTokens.delete(record.token);
    })();
    return released;
  };
}

function isAbandoned(record: LockRecord, mtimeMs: number, nowMs: number, staleMs: number): boolean {
  if (nowMs - mtimeMs > staleMs) return true;
  if (record.host !== hostname()) return false; // its pid means nothing here
  // Our own pid but not a lock we hold: a dead predecessor that had the same pid (containers start at 1).
  if (record.pid === process.pid) return !heldTokens.has(record.token);
  return !isProcessAlive(record.pid);
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH'; // EPERM: alive, someone else's
  }
}

/** Removes the lock only if it still carries `token`: moved aside first, so a lock taken meanwhile is put back whole. */
async function removeLockIf(lockDir: string, lockPath: string, token: string | undefined): Promise<void> {
  const aside = join(lockDir, `${LOCK_NAME}.old-${randomUUID()}`);
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // already gone
    throw error;
  }
  const moved = await readRecord(aside);
  if (moved && moved.record?.token !== token) {
    // Someone replaced the lock between our read and our rename: give it back.
    await rename(aside, lockPath).catch(() => {});
    return;
  }
  await rm(aside, { recursive: true, force: true });
}

/** The lock's holder; `record` is undefined when holder.json is missing or garbled, which only a crash leaves behind. */
async function readRecord(lockPath: string): Promise<{ record?: LockRecord; mtimeMs: number } | undefined> {
  const path = join(lockPath, HOLDER_FILE);
  try {
    const [text, stats] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    return { record: parseRecord(text), mtimeMs: stats.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    return { mtimeMs: (await stat(lockPath)).mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function parseRecord(text: string): LockRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockRecord>;
    const valid = typeof value.pid === 'number' && typeof value.token === 'string' && typeof value.host === 'string';
    return valid ? (value as LockRecord) : undefined;
  } catch {
    return undefined;
  }
}

function publicHolder({ pid, command, startedAt }: LockRecord): BuildLockHolder {
  return { pid, command, startedAt };
}
