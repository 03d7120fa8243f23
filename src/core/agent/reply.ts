import { checkRepoPath } from '../project/intent.js';

/** One fenced code block from a model reply, with the path it claims to write and its language, lower case. */
export interface CodeBlock {
  path: string | undefined;
  lang: string | undefined;
  code: string;
  closed: boolean;
}

export type ParseReplyResult = { ok: true; code: string } | { ok: false; reason: string };

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})\s*([^`]*)$/;
const PATH_LIKE = /^[\w@.\-/\\]+\.[A-Za-z0-9]+$/;
const TYPESCRIPT = new Set(['ts', 'typescript', 'tsx', 'mts', 'cts']);
/** A first line that is only a comment naming a file: `// src/a.ts`, `/* file: src/a.ts *\/`, `# path: src/a.ts`. */
const COMMENT_PATH = /^\s*(?:\/\/+|\/\*+|#)\s*(?:(?:file(?:name)?|path)\s*:\s*)?`?([^\s`*]+)`?\s*(?:\*+\/)?\s*$/i;

/** Splits a reply into fenced blocks; a path comes from the info string or from a line holding only a path just before. */
export function extractCodeBlocks(reply: string): CodeBlock[] {
  const lines = reply.replace(/\r\n?/g, '\n').split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE_OPEN.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !isClosingFence(lines[j]!, fence)) body.push(lines[j++]!);
    const closed = j < lines.length;
    // A path line may be separated from its fence by one blank line.
    const before = lines[i - 1]?.trim() === '' ? lines[i - 2] : lines[i - 1];
    blocks.push({ path: pathFromInfo(open[2]!) ?? pathFromLine(before), lang: langFromInfo(open[2]!), code: body.join('\n'), closed });
    i = j;
  }
  return blocks;
}

/**
 * Finds the code for `modulePath` in a reply; anything else (no block, other paths, cut off) is a reason to retry.
 * With no path anywhere, a reply's one TypeScript block is taken as `modulePath`, the only file it may write, unless
 * its first line names another file.
 */
export function parseReply(reply: string, modulePath: string): ParseReplyResult {
  const blocks = extractCodeBlocks(reply);
  if (blocks.length === 0) {
    return { ok: false, reason: `The reply had no fenced code block. Reply with exactly one block opened by \`\`\`ts ${modulePath}.` };
  }
  const unlabelled = blocks.filter((block) => block.path === undefined);
  const labelled = blocks.filter((block) => block.path !== undefined);
  const others = [...new Set(labelled.map((block) => normalise(block.path!)).filter((path) => path !== modulePath))];
  if (others.length > 0) {
    return {
      ok: false,
      reason: `The reply wrote ${others.join(', ')}, but you may write only ${modulePath}; the attempt was rejected. Every other file is read-only.`,
    };
  }
  const mine = labelled.filter((block) => normalise(block.path!) === modulePath);
  if (mine.length > 1) {
    return { ok: false, reason: `The reply had ${mine.length} code blocks for ${modulePath}; send exactly one with the whole module.` };
  }
  if (mine.length === 1) return blockCode(mine[0]!, modulePath);
  const typescript = unlabelled.filter((block) => TYPESCRIPT.has(block.lang ?? ''));
  if (typescript.length !== 1) {
    const hint = unlabelled.length > 0 ? ' Its code blocks carried no path.' : '';
    return { ok: false, reason: `The reply had no code block for ${modulePath}.${hint} Open the block with \`\`\`ts ${modulePath}.` };
  }
  const named = pathFromComment(typescript[0]!.code);
  if (named !== undefined && !sameFile(named, modulePath)) {
    return {
      ok: false,
      reason: `The reply's code block names ${named} in its first line, but you may write only ${modulePath}; the attempt was rejected. Open the block with \`\`\`ts ${modulePath}.`,
    };
  }
  return blockCode(typescript[0]!, modulePath);
}

/** The block's code once it is known to be the one for `modulePath`: whole and not empty. */
function blockCode(block: CodeBlock, modulePath: string): ParseReplyResult {
  if (!block.closed) {
    return {
      ok: false,
      reason: `The reply was cut off: the code block for ${modulePath} is not closed. Send the whole module in one closed block.`,
    };
  }
  if (block.code.trim() === '') return { ok: false, reason: `The code block for ${modulePath} was empty.` };
  return { ok: true, code: block.code.endsWith('\n') ? block.code : `${block.code}\n` };
}

function isClosingFence(line: string, fence: string): boolean {
  const trimmed = line.trim();
  return trimmed.length >= fence.length && trimmed === fence[0]!.repeat(trimmed.length) && line.search(/\S/) <= 3;
}

/** Info strings seen in the wild: `ts src/a.ts`, `ts:src/a.ts`, `src/a.ts`, `ts title="src/a.ts"`, `ts file=src/a.ts`. */
function pathFromInfo(info: string): string | undefined {
  const attribute = /(?:title|file|path|filename)=["']?([^"'\s]+)/.exec(info);
  if (attribute) return attribute[1];
  const words = info
    .trim()
    .split(/[\s:]+/)
    .filter(Boolean);
  return words.find((word) => PATH_LIKE.test(word));
}

/** The language of an info string (`ts src/a.ts`, `typescript`, `ts:src/a.ts`), when its first word is not the path. */
function langFromInfo(info: string): string | undefined {
  const first = info.trim().split(/[\s:{]+/)[0];
  if (!first || PATH_LIKE.test(first) || first.includes('=')) return undefined;
  return first.toLowerCase();
}

/** The file a block's first non-blank line names, when that line is a comment holding only a path. */
function pathFromComment(code: string): string | undefined {
  const first = code.split('\n').find((line) => line.trim() !== '');
  const named = first === undefined ? undefined : COMMENT_PATH.exec(first)?.[1];
  return named !== undefined && PATH_LIKE.test(named) ? named : undefined;
}

/** A named path means the module when it is the module's path, or just its file name. */
function sameFile(named: string, modulePath: string): boolean {
  const path = normalise(named);
  return path === modulePath || (!path.includes('/') && path === modulePath.split('/').pop());
}

/** A line holding only a path, maybe in backticks, bold, a heading or followed by a colon. */
function pathFromLine(line: string | undefined): string | undefined {
  if (line === undefined) return undefined;
  const cleaned = line
    .trim()
    .replace(/^#+\s*/, '')
    .replace(/^(?:file|path)\s*:\s*/i, '')
    .replace(/[:]$/, '')
    .replace(/^[*_`]+|[*_`]+$/g, '')
    // `**src/a.ts:**` puts the colon inside the markup.
    .replace(/[:]$/, '')
    .trim();
  return PATH_LIKE.test(cleaned) ? cleaned : undefined;
}

function normalise(path: string): string {
  const checked = checkRepoPath(path);
  return typeof checked === 'string' ? checked : path;
}
