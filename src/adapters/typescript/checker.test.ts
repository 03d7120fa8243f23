import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TypeChecker } from '../../core/ports.js';
import { createTsChecker } from './checker.js';

function tempRepo(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ainative-tc-'));
}

function write(root: string, file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), text);
}

const AUTH = `export interface User { id: string; name: string }
export function hash(text: string): string {
  return text.split('').reverse().join('');
}
`;

const SESSION = `import { randomUUID } from 'node:crypto';
import type { User } from './auth.ts';

export interface Session { id: string; user: User }
export type Role = 'admin' | 'user';
export const MAX_SESSIONS: number = 100;

export function createSession(user: User): Session {
  return { id: randomUUID(), user };
}

export async function countSessions(sessions: Session[]): Promise<number> {
  return sessions.length;
}

export function first<T>(items: T[]): T | undefined {
  return items[0];
}
`;

// A bare repo: only intents/ and src/, no package.json, no tsconfig, no node_modules.
describe('ts checker in a bare repo', () => {
  let root: string;
  let checker: TypeChecker;

  beforeAll(() => {
    root = tempRepo();
    write(root, 'intents/auth.md', '# auth\n');
    write(root, 'src/auth.ts', AUTH);
    checker = createTsChecker({ root });
  });

  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('accepts a correct module', async () => {
    expect(await checker.check('src/session.ts', SESSION, [])).toEqual([]);
  });

  it('reports a type error with its TS code and line', async () => {
    const code = `export function double(n: number): number {\n  return n * 2;\n}\n\nexport const label: string = double(2);\n`;
    const problems = await checker.check('src/double.ts', code, []);
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toMatch(/^TS2322: Type 'number' is not assignable to type 'string'/);
    expect(problems[0].line).toBe(5);
  });

  it('reports a syntax error', async () => {
    const problems = await checker.check('src/broken.ts', `export function f(: number {\n  return 1;\n}\n`, []);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0].message).toMatch(/^TS1\d{3}: /);
    expect(problems[0].line).toBe(1);
  });

  it('type-checks node: imports against ainative’s own @types/node', async () => {
    const code = `import { createHash } from 'node:crypto';\nimport { createServer } from 'node:http';\n
export function sha(text: string): string {\n  return createHash('sha256').update(text).digest('hex');\n}\n
export const server = createServer((_req, res) => res.end('ok'));\n`;
    expect(await checker.check('src/hashing.ts', code, [])).toEqual([]);
  });

  it('resolves a sibling module on disk with and without the .ts extension', async () => {
    const code = `import { hash } from './auth.ts';\nimport { hash as again, type User } from './auth';\n
export function tag(user: User): string {\n  return hash(user.id) + again(user.name);\n}\n`;
    expect(await checker.check('src/tag.ts', code, [])).toEqual([]);
  });

  it('sees a sibling rewritten on disk with a changed signature', async () => {
    const sibling = 'src/codec.ts';
    write(root, sibling, `export function encode(text: string): string {\n  return text;\n}\n`);
    const code = `import { encode } from './codec.ts';\n\nexport const encoded: string = encode('a');\n`;
    expect(await checker.check('src/user-of-codec.ts', code, [])).toEqual([]);
    write(root, sibling, `export function encode(text: string): number {\n  return text.length;\n}\n`);
    const problems = await checker.check('src/user-of-codec.ts', code, []);
    expect(problems).toEqual([{ message: expect.stringMatching(/^TS2322: Type 'number'/), line: 3 }]);
  });

  it('sees a sibling that only appears on disk after a failed import', async () => {
    const code = `import { later } from './later.ts';\n\nexport const value: number = later;\n`;
    expect((await checker.check('src/early.ts', code, []))[0].message).toMatch(/^TS2307: /);
    write(root, 'src/later.ts', 'export const later = 1;\n');
    expect(await checker.check('src/early.ts', code, [])).toEqual([]);
  });

  it('checks modules asked for together in one program, each getting only its own problems', async () => {
    const good = 'export function double(n: number): number {\n  return n * 2;\n}\n';
    const bad = "export function half(n: number): number {\n  return 'half';\n}\n";
    const [first, second, third] = await Promise.all([
      checker.check('src/double.ts', good, ['double(n: number): number']),
      checker.check('src/half.ts', bad, ['half(n: number): number']),
      checker.check('src/triple.ts', good, ['triple(n: number): number']),
    ]);
    expect(first).toEqual([]);
    expect(second).toEqual([{ message: expect.stringMatching(/^TS2322: /), line: 2 }]);
    expect(third).toEqual([{ message: "missing required export 'triple' (expected: triple(n: number): number)" }]);
  });

  // Checks run first without @types/node; these must come out exactly as a check with Node's types would.
  describe('modules that need Node’s types', () => {
    it('reports a misused Node type as tsc would, not as a missing name', async () => {
      const code = `export function label(): string {\n  return Buffer.from('x');\n}\n`;
      expect(await checker.check('src/label.ts', code, [])).toEqual([
        { message: expect.stringMatching(/^TS2322: Type 'Buffer.*' is not assignable to type 'string'/), line: 2 },
      ]);
    });

    it('reports every problem as tsc would when a module has both a plain type error and a Node name', async () => {
      const code = `export const count: string = 1;\nexport const bytes: string = Buffer.from('x');\n`;
      expect(await checker.check('src/both.ts', code, [])).toEqual([
        { message: expect.stringMatching(/^TS2322: Type 'number' is not assignable to type 'string'/), line: 1 },
        { message: expect.stringMatching(/^TS2322: Type 'Buffer.*' is not assignable to type 'string'/), line: 2 },
      ]);
    });

    it('does not report members that only Node adds to standard types as missing', async () => {
      const code = `export function trace(): string {\n  const holder: { stack?: string } = {};\n  Error.captureStackTrace(holder);\n  return holder.stack ?? '';\n}\nexport const wrong: number = 'x';\n`;
      expect(await checker.check('src/trace.ts', code, [])).toEqual([
        { message: expect.stringMatching(/^TS2322: Type 'string' is not assignable to type 'number'/), line: 6 },
      ]);
    });

    it('accepts a module that logs with console', async () => {
      const code = `export function shout(text: string): string {\n  console.log(text);\n  return text.toUpperCase();\n}\n`;
      expect(await checker.check('src/shout.ts', code, [])).toEqual([]);
    });

    it('catches a misuse of what an imported module returns when that is a Node type', async () => {
      // Without Node's types the sibling's Buffer would be unresolved, i.e. any, and this module would look clean.
      write(root, 'src/reader.ts', `export function read(): Buffer {\n  return Buffer.from('x');\n}\n`);
      const code = `import { read } from './reader.ts';\n\nexport const text: string = read();\n`;
      expect(await checker.check('src/uses-reader.ts', code, [])).toEqual([
        { message: expect.stringMatching(/^TS2322: Type 'Buffer.*' is not assignable to type 'string'/), line: 3 },
      ]);
    });

    it('catches a misuse of a package whose declarations use Node types without referencing them', async () => {
      write(root, 'node_modules/loader-pkg/package.json', JSON.stringify({ name: 'loader-pkg', version: '1.0.0', types: 'index.d.ts' }));
      write(root, 'node_modules/loader-pkg/index.d.ts', 'export declare function load(): Buffer;\n');
      const code = `import { load } from 'loader-pkg';\n\nexport const text: string = load();\n`;
      expect(await checker.check('src/uses-package.ts', code, [])).toEqual([
        { message: expect.stringMatching(/^TS2322: Type 'Buffer.*' is not assignable to type 'string'/), line: 3 },
      ]);
    });
  });

  it('never writes the candidate or the export check file to disk', async () => {
    await checker.check('src/ghost.ts', SESSION, ['createSession(user: User): Session']);
    expect(fs.readdirSync(path.join(root, 'src')).filter((f) => f.startsWith('ghost') || f.startsWith('__'))).toEqual([]);
    expect(await checker.extractApi('src/ghost.ts')).toBe('');
  });

  describe('required exports', () => {
    it('accepts exports matching every supported form', async () => {
      const required = [
        'createSession(user: User): Session',
        'function createSession(user: User): Session',
        'async function countSessions(sessions: Session[]): Promise<number>',
        'async countSessions(sessions: Session[]): number',
        'first<T>(items: T[]): T | undefined',
        'const MAX_SESSIONS: number',
        'let MAX_SESSIONS: number',
        'MAX_SESSIONS: number',
        'interface Session',
        'type Role',
        'export function createSession(user: User): Session;',
      ];
      expect(await checker.check('src/session.ts', SESSION, required)).toEqual([]);
    });

    it('reports a missing export with the expected signature', async () => {
      const problems = await checker.check('src/session.ts', SESSION, ['endSession(id: string): void']);
      expect(problems).toEqual([{ message: "missing required export 'endSession' (expected: endSession(id: string): void)" }]);
    });

    it('reports a function whose parameter type is wrong', async () => {
      const code = `export function add(a: string, b: number): number {\n  return Number(a) + b;\n}\n`;
      const problems = await checker.check('src/add.ts', code, ['add(a: number, b: number): number']);
      expect(problems).toHaveLength(1);
      expect(problems[0].message).toMatch(
        /^export 'add' does not match the required signature add\(a: number, b: number\): number: TS2322: /,
      );
      expect(problems[0].message).toContain("Type 'number' is not assignable to type 'string'");
      expect(problems[0].line).toBe(1);
    });

    it('reports a const of the wrong type', async () => {
      const problems = await checker.check('src/session.ts', SESSION, ['const MAX_SESSIONS: string']);
      expect(problems).toHaveLength(1);
      expect(problems[0].message).toMatch(/^export 'MAX_SESSIONS' does not match .*: TS2322: /);
    });

    it('lets a signature name types the module imports', async () => {
      const code = `import type { User } from './auth.ts';\n\nexport function greet(user: User): string {\n  return user.name;\n}\n`;
      expect(await checker.check('src/greet.ts', code, ['greet(user: User): string'])).toEqual([]);
      const problems = await checker.check('src/greet.ts', code, ['greet(user: User): number']);
      expect(problems[0].message).toMatch(/^export 'greet' does not match/);
    });

    it('requires an interface to be a type, not a const', async () => {
      const code = `export const Session = { id: '' };\n`;
      const problems = await checker.check('src/kinds.ts', code, ['interface Session']);
      expect(problems).toEqual([{ message: "export 'Session' is a const but the required signature is interface Session", line: 1 }]);
    });

    it('checks classes and enums by kind', async () => {
      const code = `export class Store {}\nexport enum Color { Red }\nexport type Shape = 'circle';\n`;
      expect(await checker.check('src/kinds.ts', code, ['class Store', 'enum Color', 'type Shape'])).toEqual([]);
      const problems = await checker.check('src/kinds.ts', code, ['class Shape', 'enum Store']);
      expect(problems.map((p) => p.message)).toEqual([
        "export 'Shape' is a type alias but the required signature is class Shape",
        "export 'Store' is a class but the required signature is enum Store",
      ]);
    });

    it('names a signature that does not parse', async () => {
      const problems = await checker.check('src/session.ts', SESSION, ['createSession(user: User: Session']);
      expect(problems).toEqual([{ message: 'required export signature could not be parsed: createSession(user: User: Session' }]);
    });
  });

  describe('extractApi', () => {
    const api = `export interface Point { x: number; y: number }\n\nexport function norm(p: Point): number {\n  return Math.hypot(p.x, p.y);\n}\n`;

    it('returns declarations only, stable across body-only changes', async () => {
      write(root, 'src/geometry.ts', api);
      const before = await checker.extractApi('src/geometry.ts');
      expect(before).toContain('export declare function norm(p: Point): number;');
      expect(before).not.toContain('Math.hypot');
      expect(await checker.extractApi('src/geometry.ts')).toBe(before);
      write(root, 'src/geometry.ts', api.replace('Math.hypot(p.x, p.y)', 'Math.sqrt(p.x * p.x + p.y * p.y)'));
      expect(await checker.extractApi('src/geometry.ts')).toBe(before);
    });

    it('changes when a signature changes', async () => {
      write(root, 'src/geometry.ts', api);
      const before = await checker.extractApi('src/geometry.ts');
      write(root, 'src/geometry.ts', api.replace('norm(p: Point)', 'norm(p: Point, scale = 1)'));
      const after = await checker.extractApi('src/geometry.ts');
      expect(after).not.toBe(before);
      expect(after).toContain('norm(p: Point, scale?: number): number');
    });

    it('reads the module from disk, not the last checked candidate', async () => {
      write(root, 'src/geometry.ts', api);
      const onDisk = await checker.extractApi('src/geometry.ts');
      await checker.check('src/geometry.ts', api.replace('norm(p: Point)', 'norm(q: string)'), []);
      expect(await checker.extractApi('src/geometry.ts')).toBe(onDisk);
    });

    it('returns an empty string for a missing file', async () => {
      expect(await checker.extractApi('src/nope.ts')).toBe('');
    });

    it('infers what the module leaves unannotated, through what it imports', async () => {
      write(root, 'src/geometry.ts', api);
      write(
        root,
        'src/scaled.ts',
        "import { norm, type Point } from './geometry.ts';\n\nexport function scaled(p: Point, k: number) {\n  return { length: norm(p) * k, p };\n}\n",
      );
      expect(await checker.extractApi('src/scaled.ts')).toContain(
        'export declare function scaled(p: Point, k: number): {\n    length: number;\n    p: Point;\n};',
      );
    });
  });
});

describe('ts checker with the repo’s tsconfig.json', () => {
  let root: string;
  let checker: TypeChecker;

  beforeAll(() => {
    root = tempRepo();
    // noEmit + allowImportingTsExtensions, as such repos usually have; extractApi must still be able to emit.
    const compilerOptions = {
      target: 'ES2022',
      module: 'ESNext',
      moduleResolution: 'Bundler',
      strict: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      noUnusedLocals: true,
      types: [],
    };
    write(root, 'tsconfig.json', JSON.stringify({ compilerOptions, include: ['src'] }));
    write(root, 'src/auth.ts', AUTH);
    checker = createTsChecker({ root });
  });

  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('checks modules and required exports under those options', async () => {
    const code = `import { hash, type User } from './auth.ts';\n\nexport function id(user: User): string {\n  return hash(user.id);\n}\n`;
    expect(await checker.check('src/id.ts', code, ['id(user: User): string'])).toEqual([]);
    const problems = await checker.check('src/id.ts', code.replace('hash(user.id)', 'hash(user.id).length'), []);
    expect(problems).toEqual([{ message: expect.stringMatching(/^TS2322: /), line: 4 }]);
  });

  it('extracts the API despite noEmit', async () => {
    expect(await checker.extractApi('src/auth.ts')).toContain('export declare function hash(text: string): string;');
  });
});

describe('ts checker in a repo whose libraries include the DOM, with Node’s types', () => {
  let root: string;

  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('gives the verdict tsc gives where @types/node overloads a DOM global', async () => {
    root = tempRepo();
    // The DOM declares setTimeout returning a number; @types/node overloads it to return a Timeout, and tsc takes that.
    const typeRoot = path.dirname(path.dirname(createRequire(import.meta.url).resolve('@types/node/package.json')));
    const compilerOptions = {
      target: 'ES2022',
      module: 'ESNext',
      moduleResolution: 'Bundler',
      strict: true,
      noEmit: true,
      lib: ['ES2022', 'DOM'],
      types: ['node'],
      typeRoots: [typeRoot],
    };
    write(root, 'tsconfig.json', JSON.stringify({ compilerOptions }));
    const checker = createTsChecker({ root });
    const code = 'export const timer: number = setTimeout(() => {}, 1);\n';
    expect(await checker.check('src/timer.ts', code, [])).toEqual([
      { message: expect.stringMatching(/^TS2322: Type 'Timeout' is not assignable to type 'number'/), line: 1 },
    ]);
    expect(await checker.check('src/clean.ts', 'export const twice = (n: number): number => n * 2;\n', [])).toEqual([]);
  });
});
