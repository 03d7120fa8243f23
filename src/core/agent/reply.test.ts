import { describe, expect, it } from 'vitest';
import { extractCodeBlocks, parseReply } from './reply.js';

const MODULE = 'src/a.ts';
const CODE = 'export const a = 1;';

function codeOf(reply: string): string | undefined {
  const result = parseReply(reply, MODULE);
  return result.ok ? result.code : undefined;
}

function reasonOf(reply: string): string {
  const result = parseReply(reply, MODULE);
  return result.ok ? '' : result.reason;
}

describe('parseReply accepts the edit format and its common variants', () => {
  const accepted: Array<[string, string]> = [
    ['ts and path in the info string', `Here you go:\n\`\`\`ts src/a.ts\n${CODE}\n\`\`\``],
    ['typescript and path', `\`\`\`typescript src/a.ts\n${CODE}\n\`\`\``],
    ['path alone as info string', `\`\`\`src/a.ts\n${CODE}\n\`\`\``],
    ['ts:path', `\`\`\`ts:src/a.ts\n${CODE}\n\`\`\``],
    ['title attribute', `\`\`\`ts title="src/a.ts"\n${CODE}\n\`\`\``],
    ['path on the line before', `src/a.ts\n\`\`\`ts\n${CODE}\n\`\`\``],
    ['path in backticks before', `\`src/a.ts\`\n\`\`\`ts\n${CODE}\n\`\`\``],
    ['bold path before', `**src/a.ts**\n\`\`\`ts\n${CODE}\n\`\`\``],
    ['heading path before', `### src/a.ts\n\`\`\`ts\n${CODE}\n\`\`\``],
    ['path with colon before', `src/a.ts:\n\`\`\`typescript\n${CODE}\n\`\`\``],
    ['bold path with colon inside before', `**src/a.ts:**\n\`\`\`ts\n${CODE}\n\`\`\``],
    ['./ path', `\`\`\`ts ./src/a.ts\n${CODE}\n\`\`\``],
    ['tilde fence', `~~~ts src/a.ts\n${CODE}\n~~~`],
    ['CRLF line endings', `Sure.\r\n\`\`\`ts src/a.ts\r\n${CODE}\r\n\`\`\`\r\n`],
  ];

  it.each(accepted)('%s', (_name, reply) => {
    expect(codeOf(reply)).toBe(`${CODE}\n`);
  });

  it('takes the path from a line one blank line above the fence', () => {
    expect(parseReply(`### src/a.ts\n\n\`\`\`ts\n${CODE}\n\`\`\``, 'src/a.ts')).toEqual({ ok: true, code: `${CODE}\n` });
  });

  it('keeps triple backticks inside a four-backtick fence', () => {
    const code = 'export const doc = `\n```ts\nexample();\n```\n`;';
    expect(codeOf(`\`\`\`\`ts src/a.ts\n${code}\n\`\`\`\`\n`)).toBe(`${code}\n`);
  });

  it('ignores an unlabelled example block next to the module', () => {
    const reply = `\`\`\`ts src/a.ts\n${CODE}\n\`\`\`\n\nUsage:\n\`\`\`ts\nimport { a } from './a.ts';\n\`\`\``;
    expect(codeOf(reply)).toBe(`${CODE}\n`);
  });

  it.each([
    ['ts', `Here is the code:\n\`\`\`ts\n${CODE}\n\`\`\``],
    ['typescript', `\`\`\`typescript\n${CODE}\n\`\`\`\nRun it with vitest.`],
    ['TypeScript with a shell block beside it', `\`\`\`TypeScript\n${CODE}\n\`\`\`\n\`\`\`sh\nnpx vitest\n\`\`\``],
  ])('takes the one %s block without a path as the module, the only file the reply may write', (_name, reply) => {
    expect(codeOf(reply)).toBe(`${CODE}\n`);
  });

  it.each(['// src/a.ts', '// a.ts', '// File: `src/a.ts`'])(
    'takes a lone TypeScript block whose first line, %s, names the module',
    (line) => {
      expect(codeOf(`\`\`\`ts\n${line}\n${CODE}\n\`\`\``)).toBe(`${line}\n${CODE}\n`);
    },
  );

  it('keeps the code byte for byte apart from line endings', () => {
    const code = 'export function f(): string {\n\treturn "  x  ";\n}\n\n// end';
    expect(codeOf(`\`\`\`ts src/a.ts\n${code}\n\`\`\``)).toBe(`${code}\n`);
  });
});

describe('parseReply rejects replies it cannot use, saying why', () => {
  it('rejects a reply without a code block', () => {
    expect(reasonOf('I would use a regular expression here.')).toBe(
      'The reply had no fenced code block. Reply with exactly one block opened by ```ts src/a.ts.',
    );
  });

  it.each(['src/b.ts', '../x.ts', '/etc/x.ts'])('rejects a block for %s', (path) => {
    expect(reasonOf(`\`\`\`ts ${path}\n${CODE}\n\`\`\``)).toBe(
      `The reply wrote ${path}, but you may write only src/a.ts; the attempt was rejected. Every other file is read-only.`,
    );
  });

  it('rejects the whole reply when it also writes a test file', () => {
    const reply = `\`\`\`ts src/a.ts\n${CODE}\n\`\`\`\n\`\`\`ts test/a.test.ts\nit('passes', () => {});\n\`\`\``;
    expect(reasonOf(reply)).toContain('The reply wrote test/a.test.ts, but you may write only src/a.ts');
  });

  it('rejects a lone block without a path that is not TypeScript', () => {
    expect(reasonOf(`Here is the code:\n\`\`\`js\n${CODE}\n\`\`\``)).toBe(
      'The reply had no code block for src/a.ts. Its code blocks carried no path. Open the block with ```ts src/a.ts.',
    );
    expect(reasonOf(`\`\`\`\n${CODE}\n\`\`\``)).toContain('The reply had no code block for src/a.ts.');
  });

  it('rejects two TypeScript blocks without a path: which one is the module is a guess', () => {
    const block = `\`\`\`ts\n${CODE}\n\`\`\``;
    expect(reasonOf(`${block}\nUsage:\n${block}`)).toContain('The reply had no code block for src/a.ts. Its code blocks carried no path.');
  });

  it.each(['// src/b.ts', '// test/a.test.ts', '/* file: src/b.ts */', '// b.ts'])(
    'rejects a lone TypeScript block whose first line is %s',
    (line) => {
      const named = /(\S+\.ts)/.exec(line)![1];
      expect(reasonOf(`\`\`\`typescript\n${line}\n${CODE}\n\`\`\``)).toBe(
        `The reply's code block names ${named} in its first line, but you may write only src/a.ts; the attempt was rejected. Open the block with \`\`\`ts src/a.ts.`,
      );
    },
  );

  it('rejects a lone TypeScript block without a path that was cut off', () => {
    expect(reasonOf(`\`\`\`ts\n${CODE}\nexport function b(`)).toContain(
      'The reply was cut off: the code block for src/a.ts is not closed.',
    );
  });

  it('rejects two blocks for the module', () => {
    const block = `\`\`\`ts src/a.ts\n${CODE}\n\`\`\``;
    expect(reasonOf(`${block}\nor\n${block}`)).toBe('The reply had 2 code blocks for src/a.ts; send exactly one with the whole module.');
  });

  it('rejects a block that was never closed', () => {
    expect(reasonOf(`\`\`\`ts src/a.ts\n${CODE}\nexport function b(`)).toContain(
      'The reply was cut off: the code block for src/a.ts is not closed.',
    );
  });

  it('rejects an empty block', () => {
    expect(reasonOf('```ts src/a.ts\n\n  \n```')).toBe('The code block for src/a.ts was empty.');
  });
});

describe('extractCodeBlocks', () => {
  it('reports each block with its path and whether it closed', () => {
    const blocks = extractCodeBlocks('```ts src/a.ts\nA\n```\ntext\n```\nB\n```\n```ts src/c.ts\nC');
    expect(blocks).toEqual([
      { path: 'src/a.ts', lang: 'ts', code: 'A', closed: true },
      { path: undefined, lang: undefined, code: 'B', closed: true },
      { path: 'src/c.ts', lang: 'ts', code: 'C', closed: false },
    ]);
  });

  it('reads the language from the info string, not a path standing in its place', () => {
    const langs = ['```TypeScript\n```', '```ts:src/a.ts\n```', '```src/a.ts\n```', '```ts title="src/a.ts"\n```', '```{.ts}\n```'];
    expect(langs.map((block) => extractCodeBlocks(block)[0]!.lang)).toEqual(['typescript', 'ts', undefined, 'ts', undefined]);
  });
});
