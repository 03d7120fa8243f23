import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { BWRAP_WORKS, warnSkipped } from '../../../test/helpers/bwrap.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { RefusalError } from '../../core/errors.js';
import type { TestRunResult } from '../../core/ports.js';
import { bwrapArgs, isInside } from './bwrap.js';
import { scrubEnv } from './env.js';
import { sweepStaleFolders } from './folders.js';
import { packageRoot as packageDir } from '../project/package-files.js';
import { collectSecrets } from '../repo/secrets.js';
import { descendantPids, isGone, waitUntilGone } from './process-tree.js';
import { parseHostMessage, parseTestRunResult } from './protocol.js';
import {
  BWRAP_MISSING_WARNING,
  createSandboxedRunner,
  SandboxUnavailableError,
  type SandboxedRunner,
  type SandboxedRunnerOptions,
} from './sandboxed-runner.js';
import { createVitestRunner } from './host/vitest-runner.js';

const MISSING_BWRAP = '/nonexistent/ainative-test/bwrap';
/** Short, so the endless-loop tests finish quickly; generous enough for a loaded 2-core CI machine. */
const LOOP_TIMEOUT_MS = 4_000;
const RUN_TIMEOUT_MS = 30_000;

const GOOD_SUM = 'export function sum(a: number, b: number): number {\n  return a + b;\n}\n';
const BAD_SUM = 'export function sum(a: number, b: number): number {\n  return a + b + 1;\n}\n';
const SUM_TEST = [
  "import { describe, expect, it } from 'vitest';",
  "import { sum } from '../src/sum.ts';",
  '',
  "describe('sum', () => {",
  "  it('adds small numbers', () => {",
  '    expect(sum(1, 2)).toBe(3);',
  '  });',
  "  it('adds zero', () => {",
  '    expect(sum(0, 5)).toBe(5);',
  '  });',
  '});',
  '',
].join('\n');
const LOOP_TEST = [
  "import { spawn } from 'node:child_process';",
  "import fs from 'node:fs';",
  "import os from 'node:os';",
  "import path from 'node:path';",
  "import { it } from 'vitest';",
  "it('never ends', () => {",
  // Tells the parent test (which finds TMPDIR in the host's environment) that the loop is about to start.
  "  fs.writeFileSync(path.join(os.tmpdir(), 'looping'), '');",
  // A child in a session of its own: killing the host's process group alone would miss it.
  "  spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });",
  '  while (true) {}',
  '});',
  '',
].join('\n');

/** Holds its run open until the parent creates `open` in the host's TMPDIR; says so with `gating`. */
const GATE_TEST = [
  "import fs from 'node:fs';",
  "import os from 'node:os';",
  "import path from 'node:path';",
  "import { expect, it } from 'vitest';",
  "it('waits for the gate', async () => {",
  "  fs.writeFileSync(path.join(os.tmpdir(), 'gating'), '');",
  "  while (!fs.existsSync(path.join(os.tmpdir(), 'open'))) await new Promise((resolve) => setTimeout(resolve, 20));",
  '  expect(1).toBe(1);',
  '});',
  '',
].join('\n');
const FAILING_TEST = "import { expect, it } from 'vitest';\nit('is red', () => { expect(2).toBe(3); });\n";

let roots: string[] = [];
let runners: SandboxedRunner[] = [];

afterEach(async () => {
  await Promise.all(runners.map((runner) => runner.close()));
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
  runners = [];
  roots = [];
});

function makeRepo(files: Record<string, string>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ainative-sr-')));
  roots.push(root);
  for (const [file, content] of Object.entries(files)) write(root, file, content);
  return root;
}

function write(root: string, file: string, content: string): void {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), content);
}

async function start(root: string, options: Partial<SandboxedRunnerOptions> = {}): Promise<SandboxedRunner> {
  const runner = await createSandboxedRunner({
    root,
    configFile: false,
    sandbox: 'required',
    runTimeoutMs: RUN_TIMEOUT_MS,
    env: process.env,
    hiddenPaths: [],
    ...options,
  });
  runners.push(runner);
  // Tests look at the host's pid and folders right away; a build lets the host boot during the first model call.
  await runner.ready().catch(() => {});
  return runner;
}

/** The TMPDIR the host was started with (the scratch folder), read from its environment. */
function tmpdirOf(pid: number): string {
  const entry = fs
    .readFileSync(`/proc/${pid}/environ`, 'utf8')
    .split('\0')
    .find((line) => line.startsWith('TMPDIR='));
  return entry!.slice('TMPDIR='.length);
}

/** The first line a stream prints. */
function firstLine(stream: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) resolve(text.split('\n')[0]);
    });
    stream.on('end', () => reject(new Error(`the stream ended before a line: ${text}`)));
  });
}

async function waitForFile(file: string): Promise<void> {
  while (!fs.existsSync(file)) await new Promise((resolve) => setTimeout(resolve, 20));
}

function listFiles(root: string): string[] {
  return fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).sort();
}

/** Processes in the host's process group, by `ps`; empty once the group is gone. */
function processGroup(pgid: number): string[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,stat=', '-g', String(pgid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !/\bZ/.test(line.split(/\s+/)[1] ?? ''));
  } catch {
    return []; // ps exits 1 when nothing matches
  }
}

/** Holds the host busy with test/gate.test.ts while `runs` are asked for, then lets it go; the gate's result comes first. */
async function behindGate(runner: SandboxedRunner, ...runs: string[][]): Promise<TestRunResult[]> {
  const scratch = tmpdirOf(runner.hostPid!);
  const gate = runner.run(['test/gate.test.ts'], []);
  await waitForFile(path.join(scratch, 'gating'));
  const queued = runs.map((files) => runner.run(files, []));
  fs.writeFileSync(path.join(scratch, 'open'), '');
  return Promise.all([gate, ...queued]);
}

/** Runs `files` and, while the run lasts, records every process below the host. */
async function runWatchingProcesses(runner: SandboxedRunner, files: string[]): Promise<{ result: TestRunResult; pids: number[] }> {
  const host = runner.hostPid!;
  const seen = new Set<number>();
  let running = true;
  const watch = (async () => {
    while (running) {
      for (const pid of descendantPids(host)) seen.add(pid);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  const result = await runner.run(files, []);
  running = false;
  await watch;
  return { result, pids: [host, ...seen] };
}

describe('pure helpers', () => {
  it('builds the bwrap argument list: read-only root, hidden home and /tmp with the repo and ainative shown again', () => {
    const args = bwrapArgs(
      {
        root: '/home/u/repo',
        scratch: '/tmp/ainative-sandbox-x/scratch',
        home: '/home/u',
        visible: ['/home/u/.npm/_npx/1/node_modules', '/usr', '/home/u/.npm/_npx/1/node_modules/ainative'],
        hiddenFiles: ['/home/u/repo/.env'],
        hiddenDirs: ['/home/u/repo/secrets'],
        emptyFile: '/tmp/ainative-sandbox-x/empty',
      },
      ['/usr/bin/node', '/x/host.entry.js'],
    );
    expect(args).toEqual([
      '--ro-bind',
      '/',
      '/',
      '--dev',
      '/dev',
      '--proc',
      '/proc',
      '--tmpfs',
      '/tmp',
      '--tmpfs',
      '/home/u',
      '--ro-bind',
      '/home/u/repo',
      '/home/u/repo',
      '--ro-bind',
      '/home/u/.npm/_npx/1/node_modules',
      '/home/u/.npm/_npx/1/node_modules',
      '--ro-bind',
      '/home/u/.npm/_npx/1/node_modules/ainative',
      '/home/u/.npm/_npx/1/node_modules/ainative',
      '--bind',
      '/tmp/ainative-sandbox-x/scratch',
      '/tmp/ainative-sandbox-x/scratch',
      '--ro-bind',
      '/tmp/ainative-sandbox-x/empty',
      '/home/u/repo/.env',
      '--tmpfs',
      '/home/u/repo/secrets',
      '--remount-ro',
      '/tmp',
      '--remount-ro',
      '/home/u',
      '--remount-ro',
      '/home/u/repo/secrets',
      '--unshare-net',
      '--unshare-pid',
      '--unshare-ipc',
      '--unshare-uts',
      '--cap-drop',
      'ALL',
      '--die-with-parent',
      '--new-session',
      '--chdir',
      '/home/u/repo',
      '--',
      '/usr/bin/node',
      '/x/host.entry.js',
    ]);
  });

  it('never hides / as a home folder and re-shows nothing outside the hidden places', () => {
    const args = bwrapArgs(
      { root: '/work/repo', scratch: '/tmp/s', home: '/', visible: ['/work/main'], hiddenFiles: [], hiddenDirs: [], emptyFile: '/tmp/e' },
      ['node'],
    );
    expect(args.filter((arg) => arg === '--tmpfs' || arg === '--remount-ro')).toHaveLength(2);
    expect(args).not.toContain('/work/main');
    expect(isInside('/a/b', '/a')).toBe(true);
    expect(isInside('/a', '/a')).toBe(true);
    expect(isInside('/ab', '/a')).toBe(false);
  });

  it('scrubs the environment to an allow-list, secrets never pass', () => {
    const env = scrubEnv(
      {
        PATH: '/usr/bin',
        LANG: 'C.UTF-8',
        LC_ALL: 'C',
        LC_API_TOKEN: 'x',
        TZ: 'UTC',
        CI: 'true',
        NODE_ENV: 'test',
        OPENAI_API_KEY: 'sk-x',
        OPENAI_BASE_URL: 'http://x',
        GITHUB_TOKEN: 'x',
        AWS_SECRET_ACCESS_KEY: 'x',
        DB_PASSWORD: 'x',
        NODE_OPTIONS: '--require /evil.js',
        HOME: '/home/u',
        TMPDIR: '/var/tmp',
      },
      { tmpdir: '/tmp/s', home: '/home/u' },
    );
    expect(env).toEqual({
      PATH: '/usr/bin',
      LANG: 'C.UTF-8',
      LC_ALL: 'C',
      TZ: 'UTC',
      CI: 'true',
      NODE_ENV: 'test',
      TMPDIR: '/tmp/s',
      HOME: '/home/u',
    });
  });

  it('accepts only well-formed answers bearing the token', () => {
    const result = { collected: 1, passed: 1, failed: 0, skipped: 0, failures: [], fileErrors: [] };
    const results = [result, { ...result, passed: 0, failed: 1 }];
    expect(parseHostMessage(JSON.stringify({ token: 't', type: 'result', id: 1, results }), 't')).toEqual({
      token: 't',
      type: 'result',
      id: 1,
      results,
    });
    expect(parseHostMessage(JSON.stringify({ token: 't', type: 'result', id: 1, results, cpuMs: 812.5 }), 't')).toEqual({
      token: 't',
      type: 'result',
      id: 1,
      results,
      cpuMs: 812.5,
    });
    expect(parseHostMessage(JSON.stringify({ token: 't', type: 'result', id: 1, results, cpuMs: -1 }), 't')).toEqual({
      token: 't',
      type: 'result',
      id: 1,
      results,
    });
    expect(parseHostMessage(JSON.stringify({ token: 'forged', type: 'result', id: 1, results }), 't')).toBeUndefined();
    expect(
      parseHostMessage(JSON.stringify({ token: 't', type: 'result', id: 1, results: [result, { ...result, passed: 'x' }] }), 't'),
    ).toMatchObject({ type: 'error', id: 1 });
    expect(parseHostMessage(JSON.stringify({ token: 't', type: 'result', id: 1, result }), 't')).toMatchObject({ type: 'error', id: 1 });
    expect(parseHostMessage('not json', 't')).toBeUndefined();
    expect(parseTestRunResult({ ...result, passed: -1 })).toBeUndefined();
    expect(parseTestRunResult({ ...result, failures: [{ name: 'n', file: 'f' }] })).toBeUndefined();
    expect(parseTestRunResult({ ...result, extra: 'dropped' })).toEqual(result);
  });
});

describe('availability', () => {
  it("refuses in 'required' mode when bwrap is missing", async () => {
    const root = makeRepo({ 'test/sum.test.ts': SUM_TEST, 'src/sum.ts': GOOD_SUM });
    const attempt = start(root, { sandbox: 'required', bwrapPath: MISSING_BWRAP });
    await expect(attempt).rejects.toBeInstanceOf(SandboxUnavailableError);
    await expect(attempt).rejects.toBeInstanceOf(RefusalError);
    await expect(attempt).rejects.toThrow(/bubblewrap \(bwrap\) is not installed/);
  });

  it("warns once in 'auto' mode when bwrap is missing, and still runs the tests in a host", async () => {
    const root = makeRepo({ 'test/sum.test.ts': SUM_TEST, 'src/sum.ts': GOOD_SUM });
    const warnings: string[] = [];
    const runner = await start(root, { sandbox: 'auto', bwrapPath: MISSING_BWRAP, onWarning: (message) => warnings.push(message) });
    expect(runner.tier).toBe('permission');
    expect(await runner.run(['test/sum.test.ts'], [])).toMatchObject({ collected: 2, passed: 2, fileErrors: [] });
    expect(await runner.run(['test/sum.test.ts'], [])).toMatchObject({ passed: 2 });
    expect(warnings).toEqual([BWRAP_MISSING_WARNING]);
    expect(runner.hostPid).not.toBe(process.pid);
  });
});

// 'off' always works; 'required' wherever bwrap is installed (CI installs it; a broken install fails loudly here).
const MODES = BWRAP_WORKS ? (['off', 'required'] as const) : (['off'] as const);
warnSkipped('the sandboxed-runner tests of --sandbox required and of the bubblewrap sandbox itself');

describe.each(MODES)('the host with sandbox %s', (sandbox) => {
  it('reports green and red runs with the same details as the in-process runner', async () => {
    const root = makeRepo({ 'src/sum.ts': GOOD_SUM, 'test/sum.test.ts': SUM_TEST });
    const runner = await start(root, { sandbox });
    expect(runner.tier).toBe(sandbox === 'required' ? 'bwrap' : 'none');
    expect(await runner.run(['test/sum.test.ts'], [])).toEqual({
      collected: 2,
      passed: 2,
      failed: 0,
      skipped: 0,
      failures: [],
      fileErrors: [],
    });
    write(root, 'src/sum.ts', BAD_SUM);
    const red = await runner.run(['test/sum.test.ts'], ['src/sum.ts']);
    expect(red.failures).toContainEqual({
      name: 'sum > adds small numbers',
      file: 'test/sum.test.ts',
      message: expect.stringContaining('expected 4 to be 3'),
      expected: '3',
      actual: '4',
      line: 6,
      source: 'expect(sum(1, 2)).toBe(3);',
    });
    const inProcess = await createVitestRunner({ root });
    try {
      expect(red).toEqual(await inProcess.run(['test/sum.test.ts'], []));
    } finally {
      await inProcess.close();
    }
    write(root, 'src/sum.ts', GOOD_SUM);
    expect(await runner.run(['test/sum.test.ts'], ['src/sum.ts'])).toMatchObject({ passed: 2, failed: 0 });
  });

  it('takes announcements of runs to come, before and after the host is up, without disturbing the runs', async () => {
    const root = makeRepo({ 'src/sum.ts': GOOD_SUM, 'test/sum.test.ts': SUM_TEST });
    const runner = await start(root, { sandbox, spareWorkers: 3 });
    runner.expect(3);
    expect(await runner.run(['test/sum.test.ts'], [])).toMatchObject({ collected: 2, passed: 2, failed: 0 });
    runner.expect(2);
    runner.expect(-4);
    expect(await runner.run(['test/sum.test.ts'], [])).toMatchObject({ collected: 2, passed: 2, failed: 0 });
  });

  it("honours the user's vitest config and setup files without writing into the repo", async () => {
    const root = makeRepo({
      'vitest.config.ts': "export default { test: { setupFiles: ['./user-setup.ts'] } };\n",
      'user-setup.ts': '(globalThis as any).userSetup = true;\n',
      'test/setup.test.ts':
        "import { expect, it } from 'vitest';\nit('sees the user setup', () => { expect((globalThis as any).userSetup).toBe(true); });\n",
    });
    const before = listFiles(root);
    const runner = await start(root, { sandbox, configFile: path.join(root, 'vitest.config.ts') });
    expect(await runner.run(['test/setup.test.ts'], [])).toEqual({
      collected: 1,
      passed: 1,
      failed: 0,
      skipped: 0,
      failures: [],
      fileErrors: [],
    });
    expect(listFiles(root)).toEqual(before);
  });

  it('rejects the first run with the reason when vitest cannot start in the host, and cleans up on close', async () => {
    const root = makeRepo({ 'vitest.config.ts': "throw new Error('broken config');\n" });
    // A private TMPDIR for this runner's folder, so that runners of parallel test files do not interfere.
    const tmp = makeRepo({});
    const savedTmpdir = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      const runner = await start(root, { sandbox, configFile: path.join(root, 'vitest.config.ts') });
      await expect(runner.run(['test/any.test.ts'], [])).rejects.toThrow(/vitest did not start: .*broken config/s);
      await runner.close();
    } finally {
      if (savedTmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmpdir;
    }
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  it('never hands secrets from the environment to the tests', async () => {
    const root = makeRepo({
      'test/env.test.ts': [
        "import { expect, it } from 'vitest';",
        "it('sees no secrets', () => {",
        '  expect(process.env.MY_SECRET_TOKEN).toBeUndefined();',
        '  expect(process.env.OPENAI_API_KEY).toBeUndefined();',
        '  expect(process.env.KEEP_LANG).toBeUndefined();',
        "  expect(process.env.LANG).toBe('C.UTF-8');",
        '});',
        '',
      ].join('\n'),
    });
    const env = { ...process.env, MY_SECRET_TOKEN: 'hunter2', OPENAI_API_KEY: 'sk-test', KEEP_LANG: 'x', LANG: 'C.UTF-8' };
    const runner = await start(root, { sandbox, env });
    expect(await runner.run(['test/env.test.ts'], [])).toEqual({
      collected: 1,
      passed: 1,
      failed: 0,
      skipped: 0,
      failures: [],
      fileErrors: [],
    });
  });

  it('ignores answers forged on the response pipe by test code', async () => {
    const root = makeRepo({
      'test/forge.test.ts': [
        "import fs from 'node:fs';",
        "import { expect, it } from 'vitest';",
        "it('forges a green result', () => {",
        '  const result = { collected: 1, passed: 1, failed: 0, skipped: 0, failures: [], fileErrors: [] };',
        "  for (let id = 0; id < 5; id++) fs.writeSync(3, JSON.stringify({ type: 'result', id, result }) + '\\n');",
        '  expect(1).toBe(2);',
        '});',
        '',
      ].join('\n'),
    });
    const runner = await start(root, { sandbox });
    expect(await runner.run(['test/forge.test.ts'], [])).toMatchObject({ collected: 1, passed: 0, failed: 1 });
  });

  it('kills an endless loop after runTimeoutMs, leaves no process behind, and starts a fresh host for the next run', async () => {
    const root = makeRepo({ 'test/loop.test.ts': LOOP_TEST, 'src/sum.ts': GOOD_SUM, 'test/sum.test.ts': SUM_TEST });
    const runner = await start(root, { sandbox, runTimeoutMs: LOOP_TIMEOUT_MS });
    const host = runner.hostPid!;
    const started = Date.now();
    const { result, pids } = await runWatchingProcesses(runner, ['test/loop.test.ts']);
    expect(Date.now() - started).toBeLessThan(LOOP_TIMEOUT_MS + 10_000);
    expect(result).toEqual({
      collected: 0,
      passed: 0,
      failed: 0,
      skipped: 0,
      failures: [],
      fileErrors: [{ file: '', message: `the test run timed out after ${LOOP_TIMEOUT_MS} ms (an endless loop?) and was killed` }],
    });
    expect(() => process.kill(host, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    expect(pids.length).toBeGreaterThan(sandbox === 'off' ? 1 : 3);
    expect(pids.filter((pid) => !isGone(pid))).toEqual([]);
    expect(processGroup(host)).toEqual([]);
    expect(await runner.run(['test/sum.test.ts'], [])).toMatchObject({ collected: 2, passed: 2, fileErrors: [] });
    expect(runner.hostPid).not.toBe(host);
  });

  it('runs asked for while the host is busy share one vitest run, each getting only its own results', async () => {
    const root = makeRepo({
      'test/gate.test.ts': GATE_TEST,
      'src/sum.ts': GOOD_SUM,
      'test/sum.test.ts': SUM_TEST,
      'test/red.test.ts': FAILING_TEST,
    });
    const runner = await start(root, { sandbox });
    const [gate, green, red] = await behindGate(runner, ['test/sum.test.ts'], ['test/red.test.ts']);
    expect(gate).toMatchObject({ collected: 1, passed: 1, failed: 0, fileErrors: [] });
    expect(green).toEqual({ collected: 2, passed: 2, failed: 0, skipped: 0, failures: [], fileErrors: [] });
    expect(red).toMatchObject({
      collected: 1,
      passed: 0,
      failed: 1,
      fileErrors: [],
      failures: [{ name: 'is red', file: 'test/red.test.ts' }],
    });
    expect(runner.hostRuns).toBe(2);
  });

  it('retries alone the runs that shared a run with an endless loop, so only the loop fails', async () => {
    const root = makeRepo({
      'test/gate.test.ts': GATE_TEST,
      'test/loop.test.ts': LOOP_TEST,
      'src/sum.ts': GOOD_SUM,
      'test/sum.test.ts': SUM_TEST,
    });
    const runner = await start(root, { sandbox, runTimeoutMs: LOOP_TIMEOUT_MS });
    const [gate, loop, sum] = await behindGate(runner, ['test/loop.test.ts'], ['test/sum.test.ts']);
    expect(gate).toMatchObject({ passed: 1 });
    expect(sum).toMatchObject({ collected: 2, passed: 2, failed: 0, fileErrors: [] });
    expect(loop).toMatchObject({ collected: 0, fileErrors: [{ message: expect.stringContaining('timed out') }] });
    // the gate; loop and sum together (timed out); then each alone in a fresh host
    expect(runner.hostRuns).toBe(4);
  });

  it('close() stops a run in progress instead of waiting for it', async () => {
    const root = makeRepo({ 'test/loop.test.ts': LOOP_TEST });
    const runner = await start(root, { sandbox, runTimeoutMs: 600_000 });
    const host = runner.hostPid!;
    const running = runner.run(['test/loop.test.ts'], []);
    await waitForFile(path.join(tmpdirOf(host), 'looping'));
    const pids = [host, ...descendantPids(host)];
    await runner.close();
    expect(await running).toMatchObject({
      collected: 0,
      fileErrors: [{ file: '', message: 'the test host was killed because the test runner was closed' }],
    });
    expect(pids.filter((pid) => !isGone(pid))).toEqual([]);
  });

  it('leaves no host behind when ainative itself is SIGKILLed during an endless loop', async () => {
    const root = makeRepo({ 'test/loop.test.ts': LOOP_TEST });
    const runnerModule = path.join(packageDir(), 'dist', 'src', 'adapters', 'test-host', 'sandboxed-runner.js');
    const script = [
      `const { createSandboxedRunner } = await import(${JSON.stringify(pathToFileURL(runnerModule).href)});`,
      `const runner = await createSandboxedRunner({ root: ${JSON.stringify(root)}, configFile: false, sandbox: ${JSON.stringify(sandbox)}, runTimeoutMs: 600000, env: process.env, hiddenPaths: [] });`,
      'await runner.ready();',
      "runner.run(['test/loop.test.ts'], []);",
      'console.log(runner.hostPid);',
    ].join('\n');
    const parent = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const host = Number(await firstLine(parent.stdout!));
    await waitForFile(path.join(tmpdirOf(host), 'looping'));
    const pids = [host, ...descendantPids(host)];
    const folder = path.dirname(tmpdirOf(host));
    parent.kill('SIGKILL');
    expect(await waitUntilGone(pids, 15_000)).toEqual([]);
    // The dead parent could not remove its folder; the next runner sweeps it.
    expect(fs.existsSync(folder)).toBe(true);
    sweepStaleFolders(path.dirname(folder));
    expect(fs.existsSync(folder)).toBe(false);
  });

  it('reports a host killed during the run as a file error and recovers', async () => {
    const root = makeRepo({
      'test/crash.test.ts': [
        "import { execFileSync, spawn } from 'node:child_process';",
        "import { it } from 'vitest';",
        // Around the guard (which refuses process.kill of the own pid), like the OOM killer would.
        "it('dies', () => { execFileSync('kill', ['-9', String(process.pid)]); });",
        '',
      ].join('\n'),
      'src/sum.ts': GOOD_SUM,
      'test/sum.test.ts': SUM_TEST,
    });
    const runner = await start(root, { sandbox });
    const host = runner.hostPid!;
    const result = await runner.run(['test/crash.test.ts'], []);
    expect(result).toMatchObject({ collected: 0, passed: 0, failed: 0 });
    expect(result.fileErrors).toHaveLength(1);
    expect(result.fileErrors[0].message).toMatch(/^the test host was killed by SIGKILL \(out of memory, or code under test killed it\)/);
    expect(isGone(host)).toBe(true);
    expect(await runner.run(['test/sum.test.ts'], [])).toMatchObject({ collected: 2, passed: 2 });
  });

  it('gives the tests a private TMPDIR, and on close ends the host and removes that folder', async () => {
    const root = makeRepo({
      'src/sum.ts': GOOD_SUM,
      'test/sum.test.ts': SUM_TEST,
      // Fails on purpose: the failure message is the one way out of the sandbox for the folder's name.
      'test/tmp.test.ts':
        "import os from 'node:os';\nimport { expect, it } from 'vitest';\nit('shows TMPDIR', () => { expect(os.tmpdir()).toBe(''); });\n",
    });
    const runner = await start(root, { sandbox });
    const result = await runner.run(['test/tmp.test.ts'], []);
    const scratch = /'([^']*ainative-sandbox-[^']*)'/.exec(result.failures[0]?.message ?? '')?.[1];
    expect(scratch, JSON.stringify(result)).toBeDefined();
    expect(path.dirname(path.dirname(scratch!))).toBe(fs.realpathSync(os.tmpdir()));
    expect(isInside(scratch!, root)).toBe(false);
    expect(fs.existsSync(scratch!)).toBe(true);
    const host = runner.hostPid!;
    const pids = [host, ...descendantPids(host)];
    await runner.close();
    expect(pids.filter((pid) => !isGone(pid))).toEqual([]);
    expect(fs.existsSync(path.dirname(scratch!))).toBe(false);
    await expect(runner.run(['test/sum.test.ts'], [])).rejects.toThrow(/closed/);
  });
});

describe.skipIf(!BWRAP_WORKS)('the sandbox (bubblewrap)', () => {
  let server: http.Server;
  let url: string;

  beforeAll(async () => {
    server = http.createServer((_request, response) => response.end('reachable'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('keeps everything but TMPDIR read-only, hides secrets, home, other processes and the network', async () => {
    const marker = `ainative-outside-${randomBytes(6).toString('hex')}.txt`;
    const home = fs.realpathSync(os.homedir());
    const outside = [packageDir(), '/', home, path.dirname(packageDir()), '/tmp', fs.realpathSync(os.tmpdir())].map((dir) =>
      path.join(dir, marker),
    );
    // A file in the real home folder that the sandbox must not show.
    const homeMarker = path.join(home, `ainative-home-${randomBytes(6).toString('hex')}`);
    fs.writeFileSync(homeMarker, 'private');
    onTestFinished(() => fs.rmSync(homeMarker, { force: true }));
    const root = makeRepo({
      '.env': 'OPENAI_API_KEY=sk-secret\n',
      'keys/server.pem': '-----BEGIN PRIVATE KEY-----\n',
      'node_modules/dep/.env': 'not scanned\n',
      'test/sandbox.test.ts': sandboxProbe(marker, outside, homeMarker, url),
    });
    // Proves the loopback server is up: the sandbox, not a dead server, is what stops the fetch.
    expect(await (await fetch(url)).text()).toBe('reachable');
    const secrets = (await collectSecrets(root, {})).secretFiles.map((file) => path.join(root, file));
    expect(secrets.sort()).toEqual([path.join(root, '.env'), path.join(root, 'keys/server.pem')]);
    const runner = await start(root, { sandbox: 'required', hiddenPaths: [...secrets, path.join(root, '.env.missing')] });
    const result = await runner.run(['test/sandbox.test.ts'], []);
    expect(result.failures).toEqual([]);
    expect(result).toMatchObject({ collected: 7, passed: 7, fileErrors: [] });
    expect(fs.existsSync(path.join(root, marker))).toBe(false);
    for (const file of outside) expect(fs.existsSync(file), file).toBe(false);
    expect(fs.readFileSync(path.join(root, '.env'), 'utf8')).toContain('sk-secret');
  });
});

/** A test file run inside the sandbox; every test in it states one property of the sandbox. */
function sandboxProbe(marker: string, outside: string[], homeMarker: string, url: string): string {
  return [
    "import fs from 'node:fs';",
    "import os from 'node:os';",
    "import path from 'node:path';",
    "import { expect, it } from 'vitest';",
    '',
    "it('cannot write into the repo', () => {",
    `  expect(() => fs.writeFileSync(${JSON.stringify(marker)}, 'x')).toThrow(/EROFS/);`,
    '});',
    "it('cannot write anywhere but its TMPDIR', () => {",
    `  for (const file of ${JSON.stringify(outside)}) {`,
    '    expect(() => fs.writeFileSync(file, "x"), file).toThrow(/EROFS|EACCES/);',
    '  }',
    "  fs.writeFileSync(path.join(os.tmpdir(), 'scratch.txt'), 'x');",
    "  expect(fs.readFileSync(path.join(os.tmpdir(), 'scratch.txt'), 'utf8')).toBe('x');",
    '});',
    "it('cannot remount the root read-write', async () => {",
    "  const { spawnSync } = await import('node:child_process');",
    "  const mount = spawnSync('mount', ['-o', 'remount,rw,bind', '/'], { encoding: 'utf8' });",
    '  expect(mount.status).not.toBe(0);',
    '});',
    "it('reads masked secret files as empty', () => {",
    "  expect(fs.readFileSync('.env', 'utf8')).toBe('');",
    "  expect(fs.readFileSync('keys/server.pem', 'utf8')).toBe('');",
    '});',
    "it('does not see the real home folder', () => {",
    `  expect(fs.existsSync(${JSON.stringify(homeMarker)})).toBe(false);`,
    `  expect(os.homedir()).toBe(${JSON.stringify(path.dirname(homeMarker))});`,
    '});',
    "it('cannot reach a server on the loopback interface', async () => {",
    `  await expect(fetch(${JSON.stringify(url)})).rejects.toThrow();`,
    '});',
    "it('sees only its own processes', () => {",
    "  const pids = fs.readdirSync('/proc').filter((name) => /^\\d+$/.test(name)).map(Number);",
    '  expect(Math.max(...pids)).toBeLessThan(100);',
    '});',
    '',
  ].join('\n');
}
