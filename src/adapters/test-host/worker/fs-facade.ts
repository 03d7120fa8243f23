// The `fs` a confined module gets when its intent says `allow: [fs]`: the real one behind a path policy. Reads stay
// inside the repo and the scratch folder, writes inside the scratch folder; tests (holdout tests included), `.git`,
// ainative's own files and secret-shaped files are never opened, whatever path, symlink or URL leads there; file
// descriptors work only when this facade opened them (the test host's own pipes are descriptors too); `/proc`,
// `/sys` and `/dev` stay closed; symlinks and hard links cannot be made, so no path can be redirected after a check;
// folder listings leave out what may not be opened.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isSecretPath } from '../../../core/model/redact.js';

/** Where a confined module may read and write; every path absolute and free of symlinks. */
export interface FsPolicy {
  /** The repo root: readable, relative paths resolve against it. */
  root: string;
  /** Folders the module may write below (the scratch folder); readable too. */
  writable: string[];
  /** Files and folders it may never open: tests, holdout tests, .git, ainative's state, lock and config. */
  denied: string[];
}

type Access = 'read' | 'write';
/** How a function's arguments are checked: a path to read or write, a file or descriptor, a tree, or nothing. */
type ArgRule = 'read' | 'write' | 'read-or-fd' | 'write-or-fd' | 'open' | 'fd' | 'tree-read' | 'tree-write';

// biome-ignore format: a table, several functions to a line.
const RULES: Record<string, ArgRule[]> = {
  access: ['read'], exists: ['read'], stat: ['read'], lstat: ['read'], statfs: ['read'], readdir: ['read'],
  opendir: ['tree-read'], realpath: ['read'], readlink: ['read'], readFile: ['read-or-fd'],
  writeFile: ['write-or-fd'], appendFile: ['write-or-fd'], mkdir: ['write'], mkdtemp: ['write'], unlink: ['write'],
  rmdir: ['tree-write'], rm: ['tree-write'], rename: ['tree-write', 'write'], copyFile: ['read', 'write'],
  cp: ['tree-read', 'write'], truncate: ['write'], utimes: ['write'], lutimes: ['write'], chmod: ['write'],
  chown: ['write'], lchown: ['write'], open: ['open'],
  read: ['fd'], readv: ['fd'], write: ['fd'], writev: ['fd'], close: ['fd'], fstat: ['fd'], fsync: ['fd'],
  fdatasync: ['fd'], ftruncate: ['fd'], futimes: ['fd'], fchmod: ['fd'], fchown: ['fd'],
};
const STREAMS: Record<string, Access> = { createReadStream: 'read', createWriteStream: 'write' };
/** Device files that hold nothing of anyone's. */
const HARMLESS_DEVICES = new Set(['/dev/null', '/dev/zero', '/dev/random', '/dev/urandom']);
const CLOSED_TREES = ['/proc', '/sys', '/dev'];

// biome-ignore lint/suspicious/noExplicitAny: Node's fs functions are reached by name, each with its own signature.
type Fs = Record<string, any>;

/** The facades for `fs` and `fs/promises` over the realm's modules, sharing one set of descriptors they opened. */
export function fsFacades(fs: Fs, fsPromises: Fs, policy: FsPolicy): { fs: object; promises: object } {
  const guard = new PathGuard(fs, policy);
  const promises = facade(fsPromises, guard, 'promise');
  const sync = facade(fs, guard, 'callback');
  for (const [name, rules] of Object.entries(RULES)) {
    if (typeof fs[`${name}Sync`] === 'function') sync[`${name}Sync`] = guarded(fs[`${name}Sync`], rules, guard, 'sync', name);
  }
  for (const [name, access] of Object.entries(STREAMS)) {
    sync[name] = (target: unknown, options?: { fd?: unknown }) => {
      if (typeof options === 'object' && options?.fd !== undefined) {
        guard.fd(options.fd);
        return fs[name](target, options);
      }
      return fs[name](guard.path(target, access), options);
    };
  }
  sync.promises = promises;
  return { fs: freezeAll(sync), promises: freezeAll(promises) };
}

function facade(module: Fs, guard: PathGuard, style: 'callback' | 'promise'): Fs {
  const result: Fs = { constants: module.constants };
  for (const [name, rules] of Object.entries(RULES)) {
    if (typeof module[name] === 'function') result[name] = guarded(module[name], rules, guard, style, name);
  }
  for (const key of ['F_OK', 'R_OK', 'W_OK', 'X_OK']) if (key in module) result[key] = module[key];
  return result;
}

function guarded(
  real: (...args: unknown[]) => unknown,
  rules: ArgRule[],
  guard: PathGuard,
  style: 'sync' | 'callback' | 'promise',
  name = '',
) {
  return (...args: unknown[]) => {
    const callback =
      style === 'callback' && typeof args.at(-1) === 'function' ? (args.pop() as (...results: unknown[]) => void) : undefined;
    try {
      // The real call gets the absolute path that was checked, not one relative to whatever its working folder is.
      rules.forEach((rule, i) => (args[i] = guard.check(rule, args[i], args[i + 1])));
    } catch (error) {
      // Refusals arrive the way the style reports errors: thrown, rejected, or passed to the callback.
      if (style === 'promise') return Promise.reject(error);
      if (callback) return void queueMicrotask(() => Reflect.apply(callback, undefined, [error]));
      throw error;
    }
    if (callback) args.push(callback);
    if (name === 'readdir') return listing(real, args, guard, style);
    const opens = rules[0] === 'open';
    if (callback) {
      args.pop();
      // Node calls fs callbacks with its request object as `this`; the module gets only the results.
      args.push((error: unknown, ...results: unknown[]) => {
        if (opens && !error) guard.opened(results[0]);
        Reflect.apply(callback, undefined, [error, ...results]);
      });
      return Reflect.apply(real, undefined, args);
    }
    const result = Reflect.apply(real, undefined, args);
    if (!opens) return result;
    if (style === 'promise') return (result as Promise<unknown>).then((handle) => guard.opened(handle));
    return guard.opened(result);
  };
}

/** readdir in any style, without the entries the module may not open. */
function listing(
  real: (...args: unknown[]) => unknown,
  args: unknown[],
  guard: PathGuard,
  style: 'sync' | 'callback' | 'promise',
): unknown {
  const dir = args[0];
  const keep = (entries: unknown) => guard.visibleEntries(dir, entries as Array<string | { name: string; parentPath?: string }>);
  if (style === 'callback' && typeof args.at(-1) === 'function') {
    const callback = args.pop() as (...results: unknown[]) => void;
    args.push((error: unknown, entries: unknown) => Reflect.apply(callback, undefined, error ? [error] : [null, keep(entries)]));
    return Reflect.apply(real, undefined, args);
  }
  const result = Reflect.apply(real, undefined, args);
  return style === 'promise' ? (result as Promise<unknown>).then(keep) : keep(result);
}

class PathGuard {
  private readonly descriptors = new Set<number>();

  constructor(
    private readonly fs: Fs,
    private readonly policy: FsPolicy,
  ) {}

  /** Checks one argument; returns it, a path made absolute against the repo root. */
  check(rule: ArgRule, value: unknown, next: unknown): unknown {
    if (rule === 'fd' || ((rule === 'read-or-fd' || rule === 'write-or-fd') && isDescriptorLike(value))) {
      this.fd(value);
      return value;
    }
    const access: Access = rule === 'open' ? (opensForWriting(next) ? 'write' : 'read') : rule.includes('write') ? 'write' : 'read';
    const absolute = this.path(value, access);
    if (rule.startsWith('tree')) this.tree(value);
    return absolute;
  }

  /** The entries of a listing of `dir` that the module may open. */
  visibleEntries<T extends string | { name: string; parentPath?: string }>(dir: unknown, entries: T[]): T[] {
    const base = path.resolve(this.policy.root, pathText(dir));
    return entries.filter((entry) => {
      const name = typeof entry === 'string' ? entry : entry.name;
      const parent = typeof entry === 'string' ? base : (entry.parentPath ?? base);
      return this.why(this.real(path.resolve(parent, name)), 'read') === undefined;
    });
  }

  /** Remembers a descriptor (or FileHandle) the module opened through the facade. */
  opened<T>(result: T): T {
    const fd = typeof result === 'number' ? result : (result as { fd?: unknown } | null)?.fd;
    if (typeof fd === 'number') this.descriptors.add(fd);
    return result;
  }

  fd(value: unknown): void {
    const fd = typeof value === 'number' ? value : (value as { fd?: unknown } | null)?.fd;
    if (typeof fd !== 'number' || !this.descriptors.has(fd)) {
      throw refused(`file descriptor ${String(fd)} was not opened by this module`);
    }
  }

  /** The absolute path `value` names, when the module may read or write it; throws EACCES otherwise. */
  path(value: unknown, access: Access): string {
    const absolute = path.resolve(this.policy.root, pathText(value));
    for (const candidate of new Set([absolute, this.real(absolute)])) {
      const why = this.why(candidate, access);
      if (why) throw refused(`${access === 'read' ? 'reading' : 'writing'} ${absolute} is not allowed (${why})`);
    }
    return absolute;
  }

  /** A folder the module copies or removes as a whole must not hold anything it may not touch. */
  private tree(value: unknown): void {
    const absolute = this.real(path.resolve(this.policy.root, pathText(value)));
    if (this.policy.denied.some((denied) => isInside(denied, absolute))) {
      throw refused(`${absolute} holds files this module may not touch`);
    }
  }

  private why(candidate: string, access: Access): string | undefined {
    if (CLOSED_TREES.some((tree) => isInside(candidate, tree)) && !HARMLESS_DEVICES.has(candidate)) return 'system files';
    if (HARMLESS_DEVICES.has(candidate)) return undefined;
    if (this.policy.denied.some((denied) => isInside(candidate, denied))) return 'tests, .git and ainative files are off limits';
    const inRoot = isInside(candidate, this.policy.root);
    if (inRoot && isSecretPath(path.relative(this.policy.root, candidate).split(path.sep).join('/'))) return 'a secret file';
    const inScratch = this.policy.writable.some((dir) => isInside(candidate, dir));
    if (access === 'write') return inScratch ? undefined : 'only the temporary folder is writable';
    return inRoot || inScratch ? undefined : 'outside the repository';
  }

  /** The path with every existing part resolved through symlinks. */
  private real(absolute: string): string {
    const rest: string[] = [];
    for (let current = absolute; ; current = path.dirname(current)) {
      try {
        return path.join(this.fs.realpathSync(current) as string, ...rest.reverse());
      } catch {
        if (path.dirname(current) === current) return absolute;
        rest.push(path.basename(current));
      }
    }
  }
}

function pathText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof URL) return fileURLToPath(value);
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  throw refused(`expected a path, got ${typeof value}`);
}

function isDescriptorLike(value: unknown): boolean {
  return typeof value === 'number' || (typeof value === 'object' && value !== null && typeof (value as { fd?: unknown }).fd === 'number');
}

function opensForWriting(flags: unknown): boolean {
  if (flags === undefined || flags === null) return false;
  if (typeof flags === 'number') return (flags & 3) !== 0 || (flags & 0o100) !== 0;
  return /[wa+]/.test(String(flags));
}

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function refused(message: string): Error {
  return Object.assign(new Error(`EACCES: ${message}`), { code: 'EACCES' });
}

/** Freezes the facade and its own functions (what it exposes of the real module stays the real module's). */
function freezeAll(facade: Fs): Fs {
  for (const value of Object.values(facade)) if (typeof value === 'function') Object.freeze(value);
  return Object.freeze(facade);
}
