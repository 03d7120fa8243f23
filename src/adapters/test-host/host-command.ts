// How the test host process is started in each sandbox tier: inside bubblewrap (read-only file system, no network,
// hidden home, secrets and .git), under Node's permission model where bubblewrap is missing (reads limited to the
// repo without .git and secrets, to ainative and its dependencies; writes to the scratch folder only; no child
// processes), or as a plain node process. Every tier gets a scrubbed environment and a heap limit.
import { readdirSync, realpathSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isSecretPath } from '../../core/model/redact.js';
import { dependenciesDir, packageRoot } from '../project/package-files.js';
import { bwrapArgs, type BwrapLayout } from './bwrap.js';
import { scrubEnv } from './env.js';
import type { Folders } from './folders.js';
import type { HostCommand } from './host-process.js';
import { hostScript } from './paths.js';

/** Which wall the host runs behind: bubblewrap, Node's permission model, or none. */
export type SandboxTier = 'bwrap' | 'permission' | 'none';

/** What every tier's command is built from. */
export interface HostCommandContext {
  /** The repo root, absolute and symlink-free. */
  root: string;
  folders: Folders;
  env: NodeJS.ProcessEnv;
  /** Secret files and folders in the repo, masked or left unreadable. */
  hiddenPaths: string[];
  /** Repo-relative folders the build will read from that may not exist yet (where modules are written). */
  expectedDirs: string[];
  /** Heap limit of the host's main thread. */
  hostHeapMb: number;
  /** The bwrap binary, for the bwrap tier. */
  bwrap?: string;
}

/**
 * Files vite probes with existsSync, which throws instead of answering false when the permission model denies them
 * (Node 20): the WSL markers, and in the repo and every folder above it the files that mark a package or workspace root.
 */
const PROBED_BY_VITE = ['/proc/sys/fs/binfmt_misc/WSLInterop', '/run/WSL'];
const ROOT_MARKERS = ['package.json', 'pnpm-workspace.yaml', 'lerna.json', 'deno.json', 'deno.jsonc'];

/** The command that starts the host in `tier`. */
export function hostCommand(tier: SandboxTier, context: HostCommandContext): HostCommand {
  const node = nodeBinary();
  const flags = [`--max-old-space-size=${context.hostHeapMb}`];
  if (tier === 'bwrap') return bwrapCommand(context, [node, ...flags, hostScript()]);
  const env = scrubEnv(context.env, { tmpdir: context.folders.scratch, home: path.join(context.folders.scratch, 'home') });
  const permission = tier === 'permission' ? permissionFlags(context) : [];
  return { file: node, args: [...permission, ...flags, hostScript()], env, cwd: context.root };
}

/** The real node binary: version managers and the npm `node` package put symlinks on PATH that a sandbox may hide. */
function nodeBinary(): string {
  return real(process.execPath);
}

function bwrapCommand(context: HostCommandContext, command: string[]): HostCommand {
  const home = realHome(context.env);
  const hidden = splitHidden([...context.hiddenPaths, path.join(context.root, '.git')]);
  const layout: BwrapLayout = {
    root: context.root,
    scratch: context.folders.scratch,
    home,
    visible: [packageRoot(), dependenciesDir(), path.dirname(path.dirname(nodeBinary()))].map(real),
    ...hidden,
    emptyFile: context.folders.empty,
  };
  const env = scrubEnv(context.env, { tmpdir: context.folders.scratch, home: home ?? context.folders.scratch });
  // bwrap gets the scrubbed environment too: it is readable as /proc/1/environ inside the sandbox.
  return { file: context.bwrap!, args: bwrapArgs(layout, command), env, cwd: context.root };
}

/** Node's permission model: `--permission` from Node 22 on, `--experimental-permission` before. */
function permissionFlags(context: HostCommandContext): string[] {
  const enable = process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission';
  const readable = [
    ...repoReadable(context),
    packageRoot(),
    dependenciesDir(),
    context.folders.base,
    ...PROBED_BY_VITE,
    ...ancestors(context.root).flatMap((dir) => ROOT_MARKERS.map((marker) => path.join(dir, marker))),
  ].map(real);
  return [
    enable,
    // Each path once: Node 20 aborts on a path granted twice.
    ...[...new Set(readable)].map((entry) => `--allow-fs-read=${entry}`),
    `--allow-fs-write=${real(context.folders.scratch)}`,
    '--allow-worker',
    // vite's bundler (rolldown) is a native addon.
    '--allow-addons',
  ];
}

/** The repo's top-level entries except .git and secrets, and the folders modules will be written to. */
function repoReadable(context: HostCommandContext): string[] {
  const hidden = new Set(context.hiddenPaths.map(real));
  const entries = readdirSync(context.root).filter((name) => name !== '.git' && !isSecretPath(name));
  const dirs = new Set([...entries, ...context.expectedDirs.map((dir) => dir.split('/')[0]!)]);
  return [context.root, ...[...dirs].map((name) => path.join(context.root, name)).filter((entry) => !hidden.has(real(entry)))];
}

/** `dir` and every folder above it. */
function ancestors(dir: string): string[] {
  const parent = path.dirname(dir);
  return parent === dir ? [dir] : [dir, ...ancestors(parent)];
}

function realHome(env: NodeJS.ProcessEnv): string | undefined {
  const home = env.HOME ?? os.homedir();
  try {
    return realpathSync(home);
  } catch {
    return undefined;
  }
}

/** Existing hidden paths, resolved through symlinks, split into files and folders; missing ones need no mask. */
function splitHidden(paths: string[]): Pick<BwrapLayout, 'hiddenFiles' | 'hiddenDirs'> {
  const hiddenFiles: string[] = [];
  const hiddenDirs: string[] = [];
  for (const hidden of paths) {
    let resolved: string;
    try {
      resolved = realpathSync(hidden);
    } catch {
      continue;
    }
    (statSync(resolved).isDirectory() ? hiddenDirs : hiddenFiles).push(resolved);
  }
  return { hiddenFiles, hiddenDirs };
}

function real(entry: string): string {
  try {
    return realpathSync(entry);
  } catch {
    return entry;
  }
}
