// bubblewrap (bwrap) argument lists and the check that it works on this machine.
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';

/** How long the availability check may take before bwrap counts as not working. */
const PROBE_TIMEOUT_MS = 10_000;

/** The folders the sandbox shows, hides and lets the host write to; all absolute and symlink-free. */
export interface BwrapLayout {
  /** The repo: read-only, and the working directory. */
  root: string;
  /** The one writable folder (TMPDIR). */
  scratch: string;
  /** The user's home, replaced by an empty tmpfs; undefined when there is none worth hiding. */
  home: string | undefined;
  /** Read-only folders that must stay visible even when they live under /tmp or home (ainative, node). */
  visible: string[];
  /** Files replaced by `emptyFile` (secrets in the repo). */
  hiddenFiles: string[];
  /**
   * An empty read-only regular file to mount over hidden files. Not /dev/null: bwrap mounts binds `nodev`, so a
   * bound /dev/null cannot be opened (EACCES, measured), while an empty file reads as empty like a missing secret.
   */
  emptyFile: string;
  /** Folders replaced by an empty tmpfs. */
  hiddenDirs: string[];
}

/**
 * Namespaces and hardening shared by the probe and the real sandbox. `--cap-drop ALL` matters when ainative runs
 * as root: bwrap then keeps every capability and test code could `mount -o remount,rw /` (measured).
 */
const ISOLATION_FLAGS = [
  '--unshare-net',
  '--unshare-pid',
  '--unshare-ipc',
  '--unshare-uts',
  '--cap-drop',
  'ALL',
  '--die-with-parent',
  '--new-session',
];

/** The bwrap argument list that runs `command` inside `layout`: everything read-only but scratch, no network, own pid namespace. */
export function bwrapArgs(layout: BwrapLayout, command: string[]): string[] {
  const masked = ['/tmp', ...(hideableHome(layout.home) ? [layout.home!] : [])].sort(byDepth);
  const args = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc'];
  for (const dir of masked) args.push('--tmpfs', dir);
  // Re-show what the tmpfs mounts covered, parents before children so a later mount is not hidden by an earlier one.
  const rebinds = [...layout.visible, layout.root]
    .filter((dir) => masked.some((area) => isInside(dir, area)))
    .filter((dir, index, all) => all.indexOf(dir) === index)
    .sort(byDepth);
  for (const dir of rebinds) args.push('--ro-bind', dir, dir);
  args.push('--bind', layout.scratch, layout.scratch);
  for (const file of layout.hiddenFiles) args.push('--ro-bind', layout.emptyFile, file);
  for (const dir of layout.hiddenDirs) args.push('--tmpfs', dir);
  // Empty and read-only once the binds inside them exist: a write to /tmp or home fails instead of vanishing later.
  for (const dir of [...masked, ...layout.hiddenDirs]) args.push('--remount-ro', dir);
  args.push(...ISOLATION_FLAGS, '--chdir', layout.root, '--', ...command);
  return args;
}

/** A home that is a real folder of its own; hiding `/` or a relative path would hide everything or nothing. */
function hideableHome(home: string | undefined): boolean {
  return home !== undefined && path.isAbsolute(home) && path.resolve(home) !== path.parse(home).root;
}

/** True when `child` is `parent` or lies below it. */
export function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function byDepth(a: string, b: string): number {
  return a.split(path.sep).length - b.split(path.sep).length || a.localeCompare(b);
}

/** The first executable `bwrap` on `searchPath` (a PATH value), or undefined. */
export function findBwrap(searchPath: string | undefined): string | undefined {
  for (const dir of (searchPath ?? '').split(path.delimiter)) {
    if (!path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, 'bwrap');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Whether bwrap can run node here; `missing` tells "not installed" from "installed but refused". */
export type BwrapProbe = { ok: true } | { ok: false; missing: boolean; reason: string };

const probes = new Map<string, Promise<BwrapProbe>>();

/** Runs `bwrap … node -e 0` once per bwrap path and process: the only reliable test (user namespaces, AppArmor). */
export function probeBwrap(bwrapPath: string | undefined): Promise<BwrapProbe> {
  if (bwrapPath === undefined) return Promise.resolve({ ok: false, missing: true, reason: 'bwrap is not on PATH' });
  let probe = probes.get(bwrapPath);
  if (!probe) {
    probe = runProbe(bwrapPath);
    probes.set(bwrapPath, probe);
  }
  return probe;
}

async function runProbe(bwrapPath: string): Promise<BwrapProbe> {
  const args = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', ...ISOLATION_FLAGS];
  args.push('--', process.execPath, '-e', '0');
  const result = await execa(bwrapPath, args, { timeout: PROBE_TIMEOUT_MS, env: {}, extendEnv: false, reject: false });
  if (!result.failed) return { ok: true };
  const code = (result as { code?: string }).code;
  const missing = code === 'ENOENT' || code === 'EACCES';
  const reason = missing ? `${bwrapPath} not found` : String(result.stderr ?? '').trim() || (result.shortMessage ?? 'failed');
  return { ok: false, missing, reason };
}
