import { mkdir, mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { builtScript } from '../project/package-files.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { acquireBuildLock, BuildLockedError, type BuildLockHolder, type ReleaseBuildLock } from './build-lock.js';

const HOLDER: BuildLockHolder = { pid: process.pid, command: 'ainative build', startedAt: '2026-11-23T10:00:00Z' };
const T = Date.parse('2026-11-23T10:00:00Z');
const STALE_MS = 60_000;
/** A lock left by another process; tests set its pid. */
const PLANTED = { command: 'ainative build', startedAt: 'then', token: 'old', host: os.hostname() };

let dir: string;
let lockDir: string;
let releases: ReleaseBuildLock[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(os.tmpdir(), 'ainative-lock-'));
  lockDir = join(dir, 'git dir', 'ainative');
});

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(releases.map((release) => release()));
  releases = [];
  await rm(dir, { recursive: true, force: true });
});

async function acquire(holder: BuildLockHolder = HOLDER, options = {}): Promise<ReleaseBuildLock> {
  const release = await acquireBuildLock(lockDir, holder, options);
  releases.push(release);
  return release;
}

/** Writes a lock as another process would have left it, with holder.json last touched at `mtimeMs`. */
async function plantLock(record: Record<string, unknown>, mtimeMs = T): Promise<void> {
  const holderPath = join(lockDir, 'build.lock', 'holder.json');
  await mkdir(join(lockDir, 'build.lock'), { recursive: true });
  await writeFile(holderPath, typeof record.raw === 'string' ? record.raw : JSON.stringify(record));
  await utimes(holderPath, mtimeMs / 1000, mtimeMs / 1000);
}

const readHolder = async () => JSON.parse(await readFile(join(lockDir, 'build.lock', 'holder.json'), 'utf8'));

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = execa(process.execPath, ['-e', '0']);
  await child;
  return child.pid!;
}

describe('acquireBuildLock', () => {
  it('takes the lock in lockDir and removes it on release, once however often release is called', async () => {
    const release = await acquire();
    expect(await readHolder()).toMatchObject({ ...HOLDER, host: os.hostname() });
    await release();
    await release();
    expect(await readdir(lockDir)).toEqual([]);
    await acquire();
    expect(await readHolder()).toMatchObject(HOLDER);
  });

  it('refuses a second build while the first holds the lock, naming the holder', async () => {
    await acquire();
    const error = await acquire({ pid: 999, command: 'other', startedAt: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildLockedError);
    expect((error as BuildLockedError).message).toBe(
      `another ainative build is running in this repo (pid ${process.pid}, started 2026-11-23T10:00:00Z: ainative build); wait for it or stop it`,
    );
    expect((error as BuildLockedError).exitCode).toBe(5);
    expect((error as BuildLockedError).code).toBe('BUILD_LOCKED');
    expect((error as BuildLockedError).holder).toEqual(HOLDER);
  });

  it('reclaims a lock whose holder process is dead', async () => {
    await plantLock({ ...PLANTED, pid: await deadPid() }, Date.now());
    await acquire();
    expect(await readHolder()).toMatchObject(HOLDER);
  });

  it('reclaims a lock naming our own pid that this process does not hold (a predecessor in a container)', async () => {
    await plantLock({ ...PLANTED, pid: process.pid }, T);
    await acquire(HOLDER, { now: () => T });
    expect((await readHolder()).token).not.toBe('old');
  });

  it('reclaims a live holder only once it has gone unrefreshed past the stale threshold', async () => {
    const live = { ...PLANTED, pid: process.ppid };
    await plantLock(live, T - STALE_MS + 1000);
    await expect(acquire(HOLDER, { now: () => T, staleMs: STALE_MS })).rejects.toThrow(`pid ${process.ppid}`);
    await plantLock(live, T - STALE_MS - 1000);
    await acquire(HOLDER, { now: () => T, staleMs: STALE_MS });
    expect(await readHolder()).toMatchObject(HOLDER);
  });

  it('trusts a fresh lock from another host even if its pid does not exist here', async () => {
    await plantLock({ ...PLANTED, pid: await deadPid(), host: 'elsewhere' }, T);
    await expect(acquire(HOLDER, { now: () => T })).rejects.toBeInstanceOf(BuildLockedError);
  });

  it('reclaims a lock whose holder file is garbled or missing', async () => {
    await plantLock({ raw: '{"pid": 12' });
    await acquire();
    await releases.pop()!();
    await mkdir(join(lockDir, 'build.lock', 'leftover'), { recursive: true });
    await acquire();
    expect(await readHolder()).toMatchObject(HOLDER);
  });

  it('keeps the lock fresh while held', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    await acquire(HOLDER, { now: () => T, refreshMs: 1000 });
    const holderPath = join(lockDir, 'build.lock', 'holder.json');
    await utimes(holderPath, 0, 0);
    vi.advanceTimersByTime(1000);
    await vi.waitFor(async () => expect((await stat(holderPath)).mtimeMs).toBe(T));
  });

  it('leaves alone, on release, a lock that another build reclaimed from this one', async () => {
    const first = await acquire(HOLDER, { now: () => T, staleMs: STALE_MS });
    await acquire({ ...HOLDER, startedAt: 'second' }, { now: () => T + STALE_MS + 1, staleMs: STALE_MS });
    await first();
    expect(await readHolder()).toMatchObject({ startedAt: 'second' });
    expect(await readdir(lockDir)).toEqual(['build.lock']);
  });

  it('lets exactly one of several concurrent acquires in one process win', async () => {
    const attempts = Array.from({ length: 6 }, (_, i) => acquire({ ...HOLDER, command: `build ${i}` }));
    const results = await Promise.allSettled(attempts);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(BuildLockedError);
  });
});

describe('acquireBuildLock across processes', () => {
  // Each child waits for "go", tries the lock, reports, and holds what it got until told "done".
  const CHILD = `
    import { createInterface } from 'node:readline';
    const { acquireBuildLock } = await import(process.env.LOCK_MODULE);
    const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
    console.log('ready');
    await lines.next();
    let release;
    try {
      release = await acquireBuildLock(process.env.LOCK_DIR, { pid: process.pid, command: 'child', startedAt: 'now' });
      console.log('won');
    } catch (error) {
      console.log(error.code === 'BUILD_LOCKED' ? 'locked' : 'error ' + error.message);
    }
    await lines.next();
    await release?.();
  `;

  /** The built lock module, which plain node can load (npm test builds dist/ first). */
  function lockModule(): string {
    return pathToFileURL(builtScript('adapters/repo/build-lock.js')).href;
  }

  /** A child racing for the lock, talked to line by line; `buffer: false` leaves its stdout to the line reader. */
  function startChild(env: Record<string, string>): { child: ResultPromise; nextLine: () => Promise<string> } {
    const child = execa(process.execPath, ['--input-type=module', '-e', CHILD], { env, buffer: false, reject: false });
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const nextLine = async () => {
      const { value, done } = await lines.next();
      return done ? 'exited' : value;
    };
    return { child, nextLine };
  }

  it('lets exactly one of several processes racing for the lock win', async () => {
    const env = { LOCK_MODULE: lockModule(), LOCK_DIR: lockDir };
    const children = Array.from({ length: 4 }, () => startChild(env));
    const exited = children.map(({ child }) => child.then((result) => result.exitCode));
    try {
      expect(await Promise.all(children.map(({ nextLine }) => nextLine()))).toEqual(['ready', 'ready', 'ready', 'ready']);
      for (const { child } of children) child.stdin!.write('go\n');
      const results = await Promise.all(children.map(({ nextLine }) => nextLine()));
      expect(results.filter((r) => r === 'won')).toHaveLength(1);
      expect(results.filter((r) => r === 'locked')).toHaveLength(3);
      const winner = children[results.indexOf('won')].child.pid;
      await expect(acquire()).rejects.toThrow(`pid ${winner},`);
    } finally {
      for (const { child } of children) child.stdin!.end('done\n');
    }
    expect(await Promise.all(exited)).toEqual([0, 0, 0, 0]);
    expect(await readdir(lockDir)).toEqual([]);
  });
});
