// The JSON-lines protocol between the sandboxed runner (parent) and the vitest host (child). Requests go over
// the host's stdin; answers over fd 3, a pipe of their own, so that what test code prints cannot pose as one.
import type { Readable } from 'node:stream';
import type { FileError, TestFailure, TestRunResult } from '../../core/ports.js';
import type { Confinement } from './host/confine-plugin.js';

/** The file descriptor the host answers on. */
export const RESPONSE_FD = 3;

/** First line on the host's stdin. The token is never in argv or the environment, which test code can read. */
export interface InitRequest {
  type: 'init';
  token: string;
  root: string;
  configFile: string | false;
  setupFiles: string[];
  /** Most worker threads the host keeps booted between runs (how many follows `expect` requests once there are any). */
  spareWorkers: number;
  /** Generated modules to run confined, and the path policy of their `fs`. */
  confinement?: Confinement;
  /** Heap limit of each test thread, in MB. */
  maxThreadHeapMb: number;
  /** Where test threads keep Node's compile cache (Node 22.1+), a folder no code under test may write. */
  compileCacheDir?: string;
}

/** Asks the host to run groups of test files in one vitest run; answered by a `result` (one per group) or `error` with the same id. */
export interface RunRequest {
  type: 'run';
  id: number;
  groups: string[][];
  changed: string[];
}

/** Tells the host how many more test files to expect (negative: fewer than said); no answer. */
export interface ExpectRequest {
  type: 'expect';
  files: number;
}

/** What the host sends back; every answer carries the parent's token. */
export type HostMessage =
  | { token: string; type: 'ready' }
  | { token: string; type: 'result'; id: number; results: TestRunResult[]; cpuMs?: number }
  | { token: string; type: 'error'; id?: number; message: string };

/**
 * Calls `onLine` with each complete line of `stream`; a line longer than `maxChars` is dropped and reported to
 * `onOverflow`. Linear in what arrives: a long line is kept as the chunks it came in until its end shows up.
 */
export function readLines(stream: Readable, maxChars: number, onLine: (line: string) => void, onOverflow: () => void): void {
  let parts: string[] = [];
  let length = 0;
  let dropping = false;
  const keep = (piece: string): void => {
    if (dropping || piece === '') return;
    if (length + piece.length > maxChars) {
      // Keep memory bounded: forget the line so far and skip the rest of it.
      onOverflow();
      dropping = true;
      parts = [];
      length = 0;
      return;
    }
    parts.push(piece);
    length += piece.length;
  };
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    let start = 0;
    for (let end = chunk.indexOf('\n'); end !== -1; end = chunk.indexOf('\n', start)) {
      keep(chunk.slice(start, end));
      if (!dropping) onLine(parts.join(''));
      parts = [];
      length = 0;
      dropping = false;
      start = end + 1;
    }
    keep(chunk.slice(start));
  });
  // A closed pipe is reported by the process's exit; errors here would only duplicate that.
  stream.on('error', () => {});
}

/** Parses one answer line; undefined for anything that is not a well-formed answer bearing `token`. */
export function parseHostMessage(line: string, token: string): HostMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || value.token !== token) return undefined;
  if (value.type === 'ready') return { token, type: 'ready' };
  if (value.type === 'error' && typeof value.message === 'string') {
    return { token, type: 'error', message: value.message, ...(typeof value.id === 'number' ? { id: value.id } : {}) };
  }
  if (value.type === 'result' && typeof value.id === 'number') {
    const results = Array.isArray(value.results) ? value.results.map(parseTestRunResult) : [undefined];
    const cpuMs = typeof value.cpuMs === 'number' && Number.isFinite(value.cpuMs) && value.cpuMs >= 0 ? { cpuMs: value.cpuMs } : {};
    if (!results.includes(undefined)) return { token, type: 'result', id: value.id, results: results as TestRunResult[], ...cpuMs };
    return { token, type: 'error', id: value.id, message: 'the test host sent a malformed result' };
  }
  return undefined;
}

/** Rebuilds a TestRunResult field by field, so that nothing but the port's shape crosses the boundary. */
export function parseTestRunResult(value: unknown): TestRunResult | undefined {
  if (!isRecord(value)) return undefined;
  const counts = ['collected', 'passed', 'failed', 'skipped'] as const;
  if (!counts.every((key) => isCount(value[key]))) return undefined;
  if (!Array.isArray(value.failures) || !Array.isArray(value.fileErrors)) return undefined;
  const failures = value.failures.map(parseFailure);
  const fileErrors = value.fileErrors.map(parseFileError);
  if (failures.includes(undefined) || fileErrors.includes(undefined)) return undefined;
  return {
    collected: value.collected as number,
    passed: value.passed as number,
    failed: value.failed as number,
    skipped: value.skipped as number,
    failures: failures as TestFailure[],
    fileErrors: fileErrors as FileError[],
  };
}

function parseFailure(value: unknown): TestFailure | undefined {
  if (!isRecord(value) || !isString(value.name) || !isString(value.file) || !isString(value.message)) return undefined;
  const failure: TestFailure = { name: value.name, file: value.file, message: value.message };
  if (isString(value.expected)) failure.expected = value.expected;
  if (isString(value.actual)) failure.actual = value.actual;
  if (isCount(value.line)) failure.line = value.line;
  if (isString(value.source)) failure.source = value.source;
  return failure;
}

function parseFileError(value: unknown): FileError | undefined {
  if (!isRecord(value) || !isString(value.file) || !isString(value.message)) return undefined;
  return { file: value.file, message: value.message };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
