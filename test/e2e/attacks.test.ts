import { afterEach, expect, it } from 'vitest';
import { codeReply } from '../helpers/fake-model-server.js';
import { lastUserMessage, runWithModel } from '../helpers/scenario.js';
import { SUM_RIGHT, SUM_TEST, sumIntentWith, sumRepoFiles } from '../helpers/sum-fixture.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

const right = { content: codeReply('src/sum.ts', SUM_RIGHT) };
/** A module the intent runs in the test realm itself: only the protected-file manifest stands behind its writes. */
const SHARED_WITH_FS = sumIntentWith('isolation: shared', 'allow: [fs]');

/** A sum that is wrong for the tests, plus some code run at import time. */
function cheat(prelude: string, imports = ''): { content: string } {
  return {
    content: codeReply('src/sum.ts', `${imports}${prelude}\nexport function sum(a: number, b: number): number {\n  return a * b;\n}\n`),
  };
}

it('rejects a reply that edits the test file to add .skip, and the test file stays byte-identical', async () => {
  repo = await createTempRepo(sumRepoFiles(), { commit: true });
  const skipped = SUM_TEST.replace(/it\(/g, 'it.skip(');
  const reply = `${codeReply('test/sum.test.ts', skipped)}\n${codeReply('src/sum.ts', SUM_RIGHT.replace('a + b', 'a * b'))}`;
  const run = await runWithModel(repo, [{ content: reply }, right]);

  expect(run.exitCode).toBe(0);
  expect(lastUserMessage(run.requests[1]!)).toContain('The reply wrote test/sum.test.ts, but you may write only src/sum.ts');
  expect(await repo.read('test/sum.test.ts')).toBe(SUM_TEST);
});

it('catches a shared-isolation module that rewrites its test at run time, restores the test byte for byte and rejects the attempt', async () => {
  repo = await createTempRepo({ ...sumRepoFiles(), 'intents/sum.intent.md': SHARED_WITH_FS }, { commit: true });
  // The path is assembled at run time so that only the run-time manifest check can catch the write.
  const rewrite =
    "writeFileSync(new URL(['..', ['te', 'st'].join(''), ['sum', ['te', 'st'].join(''), 'ts'].join('.')].join('/'), import.meta.url), 'export {};\\n');";
  const run = await runWithModel(
    repo,
    [cheat(rewrite, "import { writeFileSync } from 'node:fs';\n"), right],
    ['build', '--sandbox', 'off'],
  );

  expect(run.exitCode).toBe(0);
  const feedback = lastUserMessage(run.requests[1]!);
  expect(feedback).toContain('The code changed protected files while the tests ran (test/sum.test.ts)');
  expect(await repo.read('test/sum.test.ts')).toBe(SUM_TEST);
  const written = (await repo.git.status()).files.map((file) => file.path).filter((path) => !path.startsWith('.ainative/cache/'));
  expect(written.sort()).toEqual(['.gitattributes', 'ainative.lock', 'src/sum.ts']);
});

it('rejects Object.is patching statically, and a disguised patch fails at run time', async () => {
  repo = await createTempRepo(sumRepoFiles(), { commit: true });
  const plain = cheat('Object.is = () => true;');
  const disguised = cheat("const O: any = [Object][0]; const key = ['i', 's'].join(''); O[key] = () => true;");
  const run = await runWithModel(repo, [plain, disguised, right]);

  expect(run.exitCode).toBe(0);
  expect(lastUserMessage(run.requests[1]!)).toMatch(/Unsafe code in src\/sum\.ts[\s\S]*unsafe code:.*Object\.is/);
  const second = lastUserMessage(run.requests[2]!);
  expect(second).toMatch(/Failing tests|Errors that stopped test files|runtime guard/);
  expect(await repo.read('src/sum.ts')).toContain('return a + b;');
});

it('rejects process.exit(0) statically, and a disguised exit does not make a green run', async () => {
  repo = await createTempRepo(sumRepoFiles(), { commit: true });
  const plain = cheat('process.exit(0);');
  const disguised = cheat("const p: any = (globalThis as any)[['pro', 'cess'].join('')]; p[['ex', 'it'].join('')](0);");
  const run = await runWithModel(repo, [plain, disguised], ['build', '--max-attempts', '2']);

  expect(run.exitCode).toBe(1);
  expect(lastUserMessage(run.requests[1]!)).toMatch(/unsafe code: process\.exit/);
  expect(await repo.read('src/sum.ts')).toBeUndefined();
});

it('rejects path traversal and absolute paths in the reply without writing them', async () => {
  repo = await createTempRepo(sumRepoFiles(), { commit: true });
  const traversal = { content: codeReply('../escape.ts', 'export const x = 1;\n') };
  const absolute = { content: codeReply('/tmp/ainative-absolute-escape.ts', 'export const x = 1;\n') };
  const run = await runWithModel(repo, [traversal, absolute, right]);

  expect(run.exitCode).toBe(0);
  expect(lastUserMessage(run.requests[1]!)).toContain('The reply wrote ../escape.ts, but you may write only src/sum.ts');
  expect(lastUserMessage(run.requests[2]!)).toContain(
    'The reply wrote /tmp/ainative-absolute-escape.ts, but you may write only src/sum.ts',
  );
  const { existsSync } = await import('node:fs');
  expect(existsSync(`${repo.root}/../escape.ts`)).toBe(false);
  expect(existsSync('/tmp/ainative-absolute-escape.ts')).toBe(false);
});
