import { describe, expect, it } from 'vitest';
import { GITIGNORE_LINES, mergeGitignore } from './gitignore.js';

describe('mergeGitignore', () => {
  it('writes the wanted lines when there is no .gitignore', () => {
    expect(mergeGitignore(undefined)).toEqual({ text: `${GITIGNORE_LINES.join('\n')}\n`, added: [...GITIGNORE_LINES] });
  });

  it("appends only what is missing, keeping the user's lines and their order byte for byte", () => {
    const mine = '# build output\ndist/\n\n*.log\n.env\n';
    expect(mergeGitignore(mine)).toEqual({ text: `${mine}node_modules/\n`, added: ['node_modules/'] });
  });

  it.each(['node_modules', '/node_modules', '/node_modules/', 'node_modules/**', '  node_modules/  '])(
    'counts %j as node_modules/ already there',
    (line) => {
      expect(mergeGitignore(`${line}\n.env\n`).added).toEqual([]);
    },
  );

  it('adds a line break before its lines when the file lacks a final one, and keeps CRLF files CRLF', () => {
    expect(mergeGitignore('dist/').text).toBe('dist/\nnode_modules/\n.env\n');
    expect(mergeGitignore('dist/\r\n').text).toBe('dist/\r\nnode_modules/\r\n.env\r\n');
  });

  it('leaves a file that has everything unchanged', () => {
    const complete = 'node_modules/\n.env\ncoverage/\n';
    expect(mergeGitignore(complete)).toEqual({ text: complete, added: [] });
  });
});
