import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { createTempDir, type TempDir } from '../../../test/helpers/temp-repo.js';
import { createCompilerThread, type CompilerThread } from './compiler-thread.js';
import { builtScript } from '../project/package-files.js';

let dir: TempDir;
let thread: CompilerThread | undefined;

afterEach(async () => {
  await thread?.close();
  thread = undefined;
  dir.cleanup();
});

function start(files: Record<string, string> = {}): CompilerThread {
  dir = createTempDir(files);
  thread = createCompilerThread({ root: dir.root });
  return thread;
}

describe('the compiler thread', () => {
  it('type-checks, guards and extracts declarations in the worker, as in this thread', async () => {
    const compiler = start({ 'src/unit.ts': 'export function unit(n: number): string {\n  return `${n} m`;\n}\n' });
    const [problems, unsafe, api] = await Promise.all([
      compiler.check('src/half.ts', "export function half(n: number): number {\n  return 'half';\n}\n", ['half(n: number): number']),
      compiler.guard({
        modulePath: 'src/quit.ts',
        code: 'export function quit(): void {\n  process.exit(1);\n}\n',
        protectedPaths: [],
        testDirs: ['test'],
        allow: [],
      }),
      compiler.extractApi('src/unit.ts'),
    ]);
    expect(problems).toEqual([{ message: expect.stringMatching(/^TS2322: /), line: 2 }]);
    expect(unsafe).toEqual([{ message: expect.stringContaining('process.exit'), line: 2 }]);
    expect(api).toBe('export declare function unit(n: number): string;\n');
  });

  it('keeps a process that has nothing else to wait for alive until the answer comes', async () => {
    start();
    // Top-level await in a process whose only pending work is the thread's answer: an unreferenced thread exits 13.
    const module = pathToFileURL(builtScript('adapters/typescript/compiler-thread.js')).href;
    const script = `import { createCompilerThread } from ${JSON.stringify(module)};
const thread = createCompilerThread({ root: ${JSON.stringify(dir.root)} });
console.log(JSON.stringify(await thread.check('src/one.ts', 'export const one: string = 1;', [])));
await thread.close();`;
    const child = await execa(process.execPath, ['--input-type=module', '-e', script], { reject: false });
    expect(child.stderr).toBe('');
    expect(child.exitCode).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual([{ message: expect.stringMatching(/^TS2322: /), line: 1 }]);
  });

  it('rejects calls once closed instead of leaving them waiting', async () => {
    const compiler = start();
    await compiler.close();
    await expect(compiler.extractApi('src/none.ts')).rejects.toThrow('the compiler thread was closed');
  });
});
