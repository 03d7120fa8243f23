// One running vitest host as the parent sees it: spawn, handshake, requests with deadlines, death and killing.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import type { TestRunResult } from '../../core/ports.js';
import { parseHostMessage, readLines, type HostMessage, type ExpectRequest, type InitRequest, type RunRequest } from './protocol.js';
import { descendantPids, killAll, killPids, waitUntilGone } from './process-tree.js';

/** A result is capped by the reporter (a few MB at most); more means a misbehaving host. */
const MAX_ANSWER_CHARS = 16 * 1024 * 1024;
/** How much of the host's own output is kept to explain a crash. */
const OUTPUT_TAIL_CHARS = 2_000;
/** Longest line of host output forwarded to the log. */
const MAX_LOG_LINE_CHARS = 4_000;
/** How long killed processes may take to disappear before we stop waiting. */
const KILL_WAIT_MS = 5_000;

/** How to start the host: the program (bwrap or node), its arguments, environment and working directory. */
export interface HostCommand {
  file: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

/** What the host was asked to set up, minus the token the parent adds. */
export type HostInit = Omit<InitRequest, 'type' | 'token'>;

/** How one request ended. */
export type HostOutcome =
  | { kind: 'result'; results: TestRunResult[] }
  | { kind: 'error'; message: string }
  | { kind: 'timeout' }
  | { kind: 'died'; message: string };

/** A started host; create with `HostProcess.start`. */
export class HostProcess {
  /** CPU time the host reported with its last result (all its threads), in ms. */
  cpuMs = 0;
  private readonly pending = new Map<number, (outcome: HostOutcome) => void>();
  private readonly token = randomBytes(32).toString('hex');
  private readonly exited: Promise<void>;
  private exitDescription: string | undefined;
  private killReason: string | undefined;
  private tail = '';
  private nextId = 0;
  private onReady: ((message: HostMessage | { type: 'died'; message: string }) => void) | undefined;

  private constructor(
    private readonly child: ChildProcess,
    private readonly log: ((line: string) => void) | undefined,
  ) {
    // If ainative itself exits without closing the runner, take the host down with it.
    const onParentExit = (): void => killAll(this.pid, []);
    process.on('exit', onParentExit);
    this.exited = new Promise((resolve) => {
      const settle = (description: string): void => {
        if (this.exitDescription !== undefined) return;
        this.exitDescription = description;
        process.off('exit', onParentExit);
        this.failAll(this.deathMessage());
        resolve();
      };
      child.on('exit', (code, signal) => settle(describeExit(code, signal)));
      child.on('error', (error) => settle(`could not be started: ${error.message}`));
    });
    this.watchOutput(child.stdout!);
    this.watchOutput(child.stderr!);
    readLines(
      child.stdio[3] as Readable,
      MAX_ANSWER_CHARS,
      (line) => this.onAnswer(line),
      () => void this.kill('it sent an answer too large to read'),
    );
    child.stdin!.on('error', () => {});
  }

  /** Spawns the host in its own process group and resolves once vitest is up in it. */
  static async start(command: HostCommand, init: HostInit, startupTimeoutMs: number, log?: (line: string) => void): Promise<HostProcess> {
    const child = execa(command.file, command.args, {
      cwd: command.cwd,
      // Only the allow-listed variables: never the parent's environment, which holds the API key.
      env: command.env,
      extendEnv: false,
      // Leads its own process group, so a timeout can kill the host with everything it started.
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
      // A long-lived process whose output is read as it comes, capped: nothing is kept, and its death is an outcome
      // handled below, not a rejection.
      buffer: false,
      reject: false,
    });
    const host = new HostProcess(child, log);
    await host.handshake(init, startupTimeoutMs);
    return host;
  }

  /** Pid of the spawned program (the bwrap monitor when sandboxed); 0 when it could not be spawned. */
  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** False once the host has exited or was killed. */
  get alive(): boolean {
    return this.exitDescription === undefined;
  }

  /** Runs groups of test files in one vitest run in the host (one result per group); never rejects. */
  run(groups: string[][], changed: string[], timeoutMs: number): Promise<HostOutcome> {
    if (!this.alive) return Promise.resolve({ kind: 'died', message: this.deathMessage() });
    const id = ++this.nextId;
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
      const finish = (outcome: HostOutcome): void => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(outcome);
      };
      this.pending.set(id, finish);
      this.send({ type: 'run', id, groups, changed });
    });
  }

  /** Tells the host how many more test files to expect, so it boots threads for them while the model answers. */
  expect(files: number): void {
    this.send({ type: 'expect', files });
  }

  /** SIGKILLs the host's process group and every descendant, and resolves when they are gone. */
  async kill(reason = 'it was no longer needed'): Promise<void> {
    if (this.alive) {
      this.killReason ??= reason;
      const pids = descendantPids(this.pid);
      killAll(this.pid, pids);
      await this.exited;
      await waitUntilGone(pids, KILL_WAIT_MS);
    }
  }

  /** Asks the host to close vitest and exit, kills it when that takes longer than `graceMs`, and waits until all is gone. */
  async close(graceMs: number): Promise<void> {
    const pids = descendantPids(this.pid);
    this.child.stdin!.end();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
    const outcome = await Promise.race([this.exited, late]);
    clearTimeout(timer);
    if (outcome === 'late') return this.kill(`it did not exit within ${graceMs} ms of being closed`);
    // bwrap's monitor exits as soon as the command does; its pid-namespace init may still be winding down.
    const left = await waitUntilGone(pids, KILL_WAIT_MS);
    killPids(left);
  }

  private async handshake(init: HostInit, startupTimeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const first = new Promise<HostMessage | { type: 'died' | 'timeout'; message: string }>((resolve) => {
      this.onReady = resolve;
      timer = setTimeout(
        () => resolve({ type: 'timeout', message: `vitest did not start within ${startupTimeoutMs} ms` }),
        startupTimeoutMs,
      );
    });
    this.send({ type: 'init', token: this.token, ...init });
    const answer = await first;
    clearTimeout(timer);
    this.onReady = undefined;
    if (answer.type === 'ready') return;
    await this.kill('it did not start');
    const message = 'message' in answer ? answer.message : 'the test host did not start';
    throw new Error(`${message}${this.outputHint()}`);
  }

  private send(request: InitRequest | RunRequest | ExpectRequest): void {
    if (this.alive) this.child.stdin!.write(`${JSON.stringify(request)}\n`);
  }

  private onAnswer(line: string): void {
    // Lines without our token are noise (or forgeries) and change nothing.
    const message = parseHostMessage(line, this.token);
    if (!message) return;
    if (this.onReady) {
      this.onReady(message);
      return;
    }
    if (message.type === 'result') {
      if (message.cpuMs !== undefined) this.cpuMs = message.cpuMs;
      this.pending.get(message.id)?.({ kind: 'result', results: message.results });
    } else if (message.type === 'error' && message.id !== undefined)
      this.pending.get(message.id)?.({ kind: 'error', message: message.message });
  }

  private failAll(message: string): void {
    this.onReady?.({ type: 'died', message });
    for (const finish of [...this.pending.values()]) finish({ kind: 'died', message });
  }

  private deathMessage(): string {
    if (this.killReason) return `the test host was killed because ${this.killReason}`;
    const how = this.exitDescription ?? 'died';
    const hint =
      how === 'was killed by SIGKILL'
        ? ' (out of memory, or code under test killed it)'
        : how.startsWith('exited')
          ? ' (did code under test end the process?)'
          : '';
    return `the test host ${how}${hint}${this.outputHint()}`;
  }

  private outputHint(): string {
    const tail = this.tail.trim();
    return tail ? `; its last output:\n${tail}` : '';
  }

  private watchOutput(stream: Readable): void {
    readLines(
      stream,
      MAX_LOG_LINE_CHARS,
      (line) => {
        this.tail = `${this.tail}${line}\n`.slice(-OUTPUT_TAIL_CHARS);
        this.log?.(line);
      },
      () => {},
    );
  }
}

/** How the host ended. bwrap reports a child killed by a signal as exit code 128 + signal number, like a shell. */
function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  const viaShellCode = code !== null && code > 128 ? signalName(code - 128) : undefined;
  const name = signal ?? viaShellCode;
  return name ? `was killed by ${name}` : `exited with code ${code}`;
}

function signalName(value: number): NodeJS.Signals | undefined {
  return (Object.entries(os.constants.signals) as Array<[NodeJS.Signals, number]>).find(([, number]) => number === value)?.[0];
}
