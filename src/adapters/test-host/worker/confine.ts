// Runs a generated module inside an SES compartment of the locked-down test realm. The module's code (compiled to a
// CommonJS-shaped body by the host's confine plugin) sees only the globals of globals.ts and the modules its
// wrapper imported for it: the modules it `uses` (as vitest loaded them, mocks included), and the Node built-ins and
// packages its intent grants with `allow:`. Everything else it asks for is refused. Its exports reach the wrapper
// through setters, so the wrapper's ES bindings stay live.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { confinedGlobals } from './globals.js';
import { fsFacades, type FsPolicy } from './fs-facade.js';

/** What the wrapper module hands over for one generated module. */
export interface ConfineSpec {
  /** file: URL of the module, its `import.meta.url`. */
  url: string;
  /** The module compiled to a CommonJS-shaped body (`exports`, `require`, `module`, `__importMeta` in scope). */
  body: string;
  /** Modules the wrapper imported for it, by the specifier the module wrote. */
  imports: Record<string, unknown>;
  /** Specifiers the module may not load, with the reason it is told. */
  refused: Record<string, string>;
  /** What the intent's `allow:` grants. */
  allow: string[];
  /** The path policy of the `fs` facade, when `fs` is granted. */
  fs?: FsPolicy;
  /** The module's exports, each updated through its setter whenever the module assigns it. */
  setters: Record<string, (value: unknown) => void>;
}

/**
 * Node built-ins a confined module may be granted that hold no mutable state worth protecting once frozen. events,
 * crypto and zlib reach EventEmitter.prototype and the stream classes, which the test realm shares: frozen, they let
 * no new emitter or stream be made in that test file (Node assigns properties those prototypes hold, one of them
 * non-configurable), but left writable they would let the module replace `emit` and be handed `process` as `this`.
 */
const FREEZABLE_BUILTINS = new Set([
  'path',
  'url',
  'util',
  'events',
  'assert',
  'string_decoder',
  'querystring',
  'buffer',
  'crypto',
  'os',
  'zlib',
  'punycode',
]);

/** Evaluates the module in a fresh compartment and resolves once its top level has run. */
export async function confineModule(spec: ConfineSpec): Promise<void> {
  const compartment = new Compartment({ globals: confinedGlobals(spec.allow), __options__: true, name: spec.url });
  const scope = compartment.globalThis as Record<string, unknown>;
  scope.global = scope;
  const filename = fileURLToPath(spec.url);
  // vitest gives every module these CommonJS names. As globals of the module's own compartment, a module that
  // declares its own (`const __dirname = path.dirname(fileURLToPath(import.meta.url))`) shadows them.
  scope.__filename = filename;
  scope.__dirname = path.dirname(filename);
  const modules = exposedModules(spec);
  const require = (specifier: string): unknown => {
    if (Object.hasOwn(modules, specifier)) return modules[specifier];
    throw new Error(
      spec.refused[specifier] ?? `Cannot load '${specifier}' here: a generated module may import only what its intent grants`,
    );
  };
  const exports = exportsObject(spec.setters);
  const meta = harden({ url: spec.url, filename, dirname: path.dirname(filename) });
  bindAsConstants(scope);
  const run = compartment.evaluate(
    `(async function (exports, require, module, __importMeta) {\n${spec.body}\n})\n//# sourceURL=${spec.url}\n`,
  ) as (...args: unknown[]) => Promise<void>;
  await run(exports, harden(require), { exports }, meta);
  // Re-exports (`export { x } from './y'`) replaced the accessor with one of their own: read them once now.
  for (const [name, set] of Object.entries(spec.setters)) set(exports[name]);
}

/**
 * Makes the compartment's global bindings read-only. SES compiles the global object's read-only properties into
 * constants when it builds the evaluator (at the first evaluate); writable ones it looks up through its scope proxy at
 * every use, which made a hot loop naming Math or Object many times slower than the same code unconfined.
 */
function bindAsConstants(scope: object): void {
  for (const name of Object.getOwnPropertyNames(scope)) {
    const descriptor = Object.getOwnPropertyDescriptor(scope, name)!;
    if ('value' in descriptor && descriptor.configurable)
      Object.defineProperty(scope, name, { ...descriptor, writable: false, configurable: false });
  }
}

/** What `require(specifier)` answers inside the compartment. */
function exposedModules(spec: ConfineSpec): Record<string, unknown> {
  const exposed: Record<string, unknown> = {};
  let fs: { fs: object; promises: object } | undefined;
  const fsModules = (): { fs: object; promises: object } => {
    fs ??= fsFacades(namespaceOf(spec.imports['node:fs']), namespaceOf(spec.imports['node:fs/promises']), spec.fs!);
    return fs;
  };
  for (const [specifier, namespace] of Object.entries(spec.imports)) {
    const builtin = specifier.startsWith('node:') ? specifier.slice(5) : undefined;
    if (builtin === 'fs') exposed[specifier] = fsModules().fs;
    else if (builtin === 'fs/promises') exposed[specifier] = fsModules().promises;
    // A module namespace object cannot be frozen (harden throws "Cannot redefine property"): freeze a copy of it.
    else if (builtin !== undefined && FREEZABLE_BUILTINS.has(builtin)) exposed[specifier] = harden({ ...(namespace as object) });
    else if (builtin !== undefined) exposed[specifier] = namespace;
    else exposed[specifier] = esModuleView(namespace as Record<string, unknown>);
  }
  return exposed;
}

/** The namespace object as Node's CommonJS view of it (its default export for built-ins). */
function namespaceOf(namespace: unknown): Record<string, unknown> {
  const record = namespace as Record<string, unknown>;
  return (record.default ?? record) as Record<string, unknown>;
}

/** A frozen, live view of another module's exports, marked so TypeScript's interop helpers read its `default`. */
function esModuleView(namespace: Record<string, unknown>): object {
  const view: PropertyDescriptorMap = { __esModule: { value: true } };
  for (const key of Object.keys(namespace)) view[key] = { get: () => namespace[key], enumerable: true };
  return harden(Object.create(null, view));
}

/** The module's `exports`: assigning a known name updates the wrapper's binding; unknown names are kept. */
function exportsObject(setters: Record<string, (value: unknown) => void>): Record<string, unknown> {
  const values = new Map<string, unknown>();
  const exports: Record<string, unknown> = {};
  for (const [name, set] of Object.entries(setters)) {
    Object.defineProperty(exports, name, {
      get: () => values.get(name),
      set: (value: unknown) => {
        values.set(name, value);
        set(value);
      },
      enumerable: true,
      configurable: true,
    });
  }
  return exports;
}
