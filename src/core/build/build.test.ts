import { describe, expect, it } from 'vitest';
import { runBuild, type RunBuildOptions } from './build.js';
import { currentInputs, generatedHeader, readTests } from './inputs.js';
import { InputError, InterruptedError, ProviderError, RefusalError } from '../errors.js';
import { parseIntent, type Intent } from '../project/intent.js';
import { sha256, type Lockfile } from '../project/lock.js';
import type { ModelReply } from '../ports.js';
import { TEST_TEMPLATES, codeReply, failingRun, makeIntent, passingRun } from '../testing/fakes.js';
import { createMemoryLoop, memoryBuildPorts } from '../testing/memory-loop.js';

const A = makeIntent('a');
const B = makeIntent('b', { uses: ['a'] });
const C = makeIntent('c');

/** Code for `id` that its test accepts; `value` changes the implementation, not the API. */
function works(id: string, value = 1): string {
  return `export function ${id}(): number {\n  return ${value}; // works\n}`;
}

function broken(id: string): string {
  return `export function ${id}(): number {\n  return 0;\n}`;
}

function reply(intent: Intent, code: string): ModelReply {
  return codeReply(intent.module, code);
}

/** An in-memory repo with tests for a, b and c; the module being built passes its test when it contains `// works`. */
function harness(script: Array<ModelReply | Error> = [], files: Record<string, string> = {}) {
  const loop = createMemoryLoop({
    files: { 'test/a.test.ts': 'a test', 'test/b.test.ts': 'b test', 'test/c.test.ts': 'c test', ...files },
    script,
    judge: (repo, { files: tests, changed: [module] }) =>
      repo.get(module!)?.includes('// works')
        ? passingRun(1)
        : failingRun([{ name: `${module} works`, file: tests[0]!, message: 'expected 0 to be 1' }]),
    protectedPaths: ['test/a.test.ts', 'test/b.test.ts', 'test/c.test.ts'],
  });
  const events: string[] = [];
  const guarded: string[] = [];
  const { ports, created: calls } = memoryBuildPorts(loop, {
    intentStart: (intent) => events.push(`start ${intent.id}`),
    attemptStart: () => {},
    attempt: () => {},
    intentEnd: (result) => events.push(`end ${result.id} ${result.status}`),
  });
  const build = (intents: Intent[], lock: Lockfile | undefined, overrides: Partial<RunBuildOptions> = {}) =>
    runBuild(
      {
        intents,
        lock,
        templates: TEST_TEMPLATES,
        promptHash: 'prompt-1',
        model: 'test-model',
        maxAttempts: 2,
        force: false,
        guardOverwrite: async (path) => {
          guarded.push(path);
          return undefined;
        },
        ...overrides,
      },
      ports,
    );
  const { workspace, model, checker, runner } = loop;
  return { workspace, model, checker, runner, calls, events, guarded, ports, build };
}

/** A lock from a green build of `intents`, and the repo it left. */
async function builtLock(intents: Intent[]) {
  const first = harness(intents.map((intent) => reply(intent, works(intent.id))));
  const result = await first.build(intents, undefined);
  expect(result.ok).toBe(true);
  return { lock: result.lock, files: Object.fromEntries(first.workspace.files) };
}

describe('runBuild', () => {
  it('builds stale intents in order, showing each the API it uses, and locks what it wrote', async () => {
    const { workspace, model, events, build } = harness([reply(A, works('a')), reply(B, works('b'))]);
    const result = await build([A, B], undefined);
    expect(result.ok).toBe(true);
    expect(result.lockChanged).toBe(true);
    expect(result.modules.map((module) => [module.id, module.status, module.attempts])).toEqual([
      ['a', 'built', 1],
      ['b', 'built', 1],
    ]);
    expect(events).toEqual(['start a', 'end a built', 'start b', 'end b built']);
    expect(model.lastUserMessage(1)).toContain('export function a(): number {');
    const written = workspace.files.get('src/a.ts')!;
    expect(written).toBe(`${generatedHeader(A)}${works('a')}\n`);
    expect(result.lock.intents.a).toMatchObject({ intent: A.file, module: 'src/a.ts', output: { sha256: sha256(written) } });
    expect(result.lock.intents.b!.output.sha256).toBe(sha256(workspace.files.get('src/b.ts')!));
  });

  it('calls nothing when every intent is fresh', async () => {
    const { lock, files } = await builtLock([A, B]);
    const { model, calls, events, build } = harness([], files);
    const result = await build([A, B], lock);
    expect(result.modules.map((module) => module.status)).toEqual(['fresh', 'fresh']);
    expect(result).toMatchObject({ ok: true, lockChanged: false, lock });
    expect(model.requests).toHaveLength(0);
    expect(calls).toEqual({ model: 0, checker: 0, runner: 0 });
    expect(events).toEqual(['end a fresh', 'end b fresh']);
  });

  it('rebuilds only the intent that changed', async () => {
    const { lock, files } = await builtLock([A, B, C]);
    const changedB = { ...B, text: `${B.text}Also handle zero.\n` };
    const { workspace, model, guarded, build } = harness([reply(B, works('b', 2))], files);
    const result = await build([A, changedB, C], lock);
    expect(result.modules.map((module) => module.status)).toEqual(['fresh', 'built', 'fresh']);
    expect(result.modules[1]!.reasons).toEqual(['intent text changed']);
    expect(model.requests).toHaveLength(1);
    expect(workspace.files.get('src/a.ts')).toBe(files['src/a.ts']);
    // ainative wrote src/b.ts itself, so there is nothing to guard.
    expect(guarded).toEqual([]);
  });

  it('keeps a dependent fresh when a used module changes inside but not in its API', async () => {
    const { lock, files } = await builtLock([A, B]);
    const changedA = { ...A, text: `${A.text}Return two.\n` };
    const { build } = harness([reply(A, works('a', 2))], files);
    const result = await build([changedA, B], lock);
    expect(result.modules.map((module) => module.status)).toEqual(['built', 'fresh']);
  });

  it('rebuilds a dependent when the API it uses changed', async () => {
    const { lock, files } = await builtLock([A, B]);
    const changedA = { ...A, text: `${A.text}Take a seed.\n` };
    const newApi = 'export function a(seed = 0): number {\n  return seed; // works\n}';
    const { build } = harness([reply(A, newApi), reply(B, works('b'))], files);
    const result = await build([changedA, B], lock);
    expect(result.modules.map((module) => [module.status, module.reasons])).toEqual([
      ['built', ['intent text changed']],
      ['built', ["public API of 'a' changed"]],
    ]);
  });

  it('restores the exact previous module when an intent fails, and keeps its old lock entry', async () => {
    const { lock, files } = await builtLock([A]);
    const changedA = { ...A, text: `${A.text}Now broken.\n` };
    const { workspace, model, build } = harness([reply(A, broken('a')), reply(A, broken('a'))], files);
    const result = await build([changedA], lock);
    expect(result.ok).toBe(false);
    expect(result.modules[0]).toMatchObject({ status: 'failed', attempts: 2, failure: expect.stringContaining('src/a.ts works') });
    expect(model.requests).toHaveLength(2);
    expect(workspace.files.get('src/a.ts')).toBe(files['src/a.ts']);
    expect(result.lock).toEqual(lock);
    expect(result.lockChanged).toBe(false);
  });

  it('removes the module of a failed intent that did not exist before', async () => {
    const { workspace, build } = harness([reply(A, broken('a')), reply(A, broken('a'))]);
    const result = await build([A], undefined);
    expect(result.modules[0]!.status).toBe('failed');
    expect(workspace.files.has('src/a.ts')).toBe(false);
    expect(result.lock.intents).toEqual({});
  });

  it('fails a dependent of a failed intent without calling the model for it', async () => {
    const { workspace, model, build } = harness([reply(A, broken('a')), reply(A, broken('a'))]);
    const result = await build([A, B], undefined);
    expect(result.modules[1]).toMatchObject({ id: 'b', status: 'failed', attempts: 0, failure: "not built: it uses 'a', which failed" });
    expect(model.requests).toHaveLength(2);
    expect(workspace.files.has('src/b.ts')).toBe(false);
    expect(result.lock.intents).toEqual({});
  });

  it('refuses to overwrite a module edited since it was generated, unless forced', async () => {
    const { lock, files } = await builtLock([A]);
    const edited = `${files['src/a.ts']}// my fix\n`;
    const changedA = { ...A, text: `${A.text}More.\n` };
    const refused = harness([], { ...files, 'src/a.ts': edited });
    await expect(refused.build([changedA], lock)).rejects.toThrow(RefusalError);
    await expect(refused.build([changedA], lock)).rejects.toThrow(/src\/a\.ts: edited since ainative generated it/);
    // guardOverwrite finds nothing uncommitted here: the edit is committed, and committing again would not help.
    await expect(refused.build([changedA], lock)).rejects.toThrow(
      "and the edit is committed, so git would not bring ainative's version back; use --force to regenerate over the edit, or keep the change by describing it in intents/a.intent.md (or its tests) and then building with --force",
    );
    const uncommitted = async () => 'has uncommitted changes and was not generated by ainative';
    await expect(refused.build([changedA], lock, { guardOverwrite: uncommitted })).rejects.toThrow(
      'and the edit is not committed; undo the edit to let ainative regenerate the module, or use --force to regenerate over it',
    );
    expect(refused.model.requests).toHaveLength(0);
    expect(refused.workspace.files.get('src/a.ts')).toBe(edited);

    const forced = harness([reply(A, works('a', 3))], { ...files, 'src/a.ts': edited });
    const result = await forced.build([changedA], lock, { force: true });
    expect(result.modules[0]!.status).toBe('built');
    expect(forced.workspace.files.get('src/a.ts')).toContain('return 3;');
  });

  it('refuses when guardOverwrite gives a reason for a module it did not write', async () => {
    const { model, workspace, build } = harness([], { 'src/a.ts': 'export const mine = 1;\n' });
    const guardOverwrite = async (path: string) => (path === 'src/a.ts' ? 'it has uncommitted changes' : undefined);
    await expect(build([A], undefined, { guardOverwrite })).rejects.toThrow(
      new RefusalError('src/a.ts: it has uncommitted changes; commit or discard it, or use --force'),
    );
    expect(model.requests).toHaveLength(0);
    expect(workspace.files.get('src/a.ts')).toBe('export const mine = 1;\n');
  });

  it('asks guardOverwrite, not the lock, when an intent moves its module onto an existing file', async () => {
    const { lock, files } = await builtLock([A]);
    const movedA = { ...A, module: 'src/lib/a.ts' };
    const { guarded, build } = harness([reply(movedA, works('a'))], { ...files, 'src/lib/a.ts': 'export const old = 1;\n' });
    const result = await build([movedA], lock);
    expect(guarded).toEqual(['src/lib/a.ts']);
    expect(result.modules[0]!.status).toBe('built');
  });

  it('restores every module written in this build when the provider fails, and rethrows', async () => {
    const { lock, files } = await builtLock([A]);
    const changedA = { ...A, text: `${A.text}Return two.\n` };
    const outage = new ProviderError('model provider unreachable');
    const { workspace, build } = harness([reply(A, works('a', 2)), reply(C, broken('c')), outage], files);
    await expect(build([changedA, C], lock)).rejects.toBe(outage);
    expect(workspace.files.get('src/a.ts')).toBe(files['src/a.ts']);
    expect(workspace.files.has('src/c.ts')).toBe(false);
  });

  it("stops with an input error, asking nothing for it, when an intent's first prompt with the API it uses is over maxPromptTokens", async () => {
    const bigApi = `${works('a')}\nexport const table = '${'x'.repeat(2000)}';`;
    const { workspace, model, build } = harness([reply(A, bigApi), reply(B, works('b'))]);
    const failure = build([A, B], undefined, { maxPromptTokens: 400 });
    await expect(failure).rejects.toThrow(InputError);
    await expect(failure).rejects.toThrow(
      /^intents\/b\.intent\.md: the prompt for intent 'b' is ~\d+ tokens, over maxPromptTokens \(400\); shorten/,
    );
    expect(model.requests).toHaveLength(1);
    expect(workspace.files.has('src/a.ts')).toBe(false);
  });

  it('restores and reports an interruption when the signal aborts', async () => {
    const controller = new AbortController();
    const { workspace, ports, build } = harness([reply(A, broken('a')), reply(A, works('a'))]);
    ports.reporter.attempt = () => controller.abort();
    await expect(build([A], undefined, { signal: controller.signal })).rejects.toThrow(InterruptedError);
    expect(workspace.files.has('src/a.ts')).toBe(false);
  });

  it('treats intents, tests and modules checked out with CRLF line endings as unchanged', async () => {
    const { lock, files } = await builtLock([A, B]);
    const crlf = (text: string) => text.replace(/\n/g, '\r\n');
    const checkedOut = Object.fromEntries(Object.entries(files).map(([path, text]) => [path, crlf(text)]));
    const parsed = [A, B].map((intent) => {
      const result = parseIntent(intent.file, crlf(intent.text));
      if (!result.ok) throw new Error(result.error);
      // The intent as its CRLF file parses (makeIntent's text holds no `uses`; the object does).
      return { ...intent, text: result.intent.text, body: result.intent.body };
    });
    const { model, calls, build } = harness([], checkedOut);
    const result = await build(parsed, lock);
    expect(result.modules.map((module) => module.status)).toEqual(['fresh', 'fresh']);
    expect(model.requests).toHaveLength(0);
    expect(calls.checker).toBe(0);
  });

  it('uses the recorded API hash of an unchanged used module instead of extracting it again', async () => {
    const { lock, files } = await builtLock([A, B]);
    // Values extractApi could never produce: if it were called, b would look stale.
    lock.intents.a!.output.api = 'recorded-api';
    lock.intents.b!.inputs.uses.a = 'recorded-api';
    const { checker, calls, build } = harness([], files);
    const result = await build([A, B], lock);
    expect(result.modules.map((module) => module.status)).toEqual(['fresh', 'fresh']);
    expect(checker.apiRequests).toEqual([]);
    expect(calls.checker).toBe(0);
  });
});

describe('currentInputs', () => {
  it('extracts the API of a used module whose file differs from the lock', async () => {
    const { lock, files } = await builtLock([A, B]);
    const { workspace, checker, ports } = harness([], { ...files, 'src/a.ts': `${files['src/a.ts']}export const extra = 1;\n` });
    const options = { intents: [A, B], promptHash: 'prompt-1', model: 'test-model' };
    const inputs = await currentInputs(B, options, ports, lock, await readTests(workspace, B));
    expect(checker.apiRequests).toEqual(['src/a.ts']);
    expect(inputs.uses.a).toBe(sha256('export function a(): number {\nexport const extra = 1;'));
    expect(inputs.uses.a).not.toBe(lock.intents.a!.output.api);
  });
});
