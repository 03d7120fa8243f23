import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readLines } from './protocol.js';

function collect(maxChars: number): { stream: PassThrough; lines: string[]; overflows: () => number } {
  const stream = new PassThrough();
  const lines: string[] = [];
  let overflows = 0;
  readLines(
    stream,
    maxChars,
    (line) => lines.push(line),
    () => overflows++,
  );
  return { stream, lines, overflows: () => overflows };
}

const flushed = () => new Promise((resolve) => setImmediate(resolve));

describe('readLines', () => {
  it('joins a line that arrives in many chunks and splits chunks that hold several lines', async () => {
    const { stream, lines } = collect(1_000);
    for (const piece of ['ab', 'cd', 'e\nfg', '\n\nh', 'i\n']) stream.write(piece);
    await flushed();
    expect(lines).toEqual(['abcde', 'fg', '', 'hi']);
  });

  it('drops a line longer than the limit once, whatever its size, and reads the next lines', async () => {
    const { stream, lines, overflows } = collect(100_000);
    // 64 MB without a newline, in 64 kB chunks, as a flooding host would send it.
    const chunk = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 1024; i++) stream.write(chunk);
    stream.write('\nafter\n');
    await flushed();
    expect(overflows()).toBe(1);
    expect(lines).toEqual(['after']);
  });
});
