import { execaSync } from 'execa';

/**
 * Whether bubblewrap can sandbox here, found the way ainative finds it (on PATH) and tried for real. Tests that need
 * it skip without it, and say so with `warnSkipped`: most users' machines (macOS, containers) have none.
 */
export const BWRAP_WORKS: boolean =
  execaSync('bwrap', ['--ro-bind', '/', '/', '--dev', '/dev', '--unshare-net', '--', 'true'], { stdio: 'ignore', reject: false })
    .exitCode === 0;

/** Prints, once per file, what was not tested because bubblewrap does not work here. */
export function warnSkipped(what: string): void {
  if (!BWRAP_WORKS) console.warn(`SKIPPED ${what}: bubblewrap (bwrap) does not work on this machine`);
}
