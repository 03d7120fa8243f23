import { describe, expect, it } from 'vitest';
import { requestKey, type CacheableRequest } from './cache-key.js';

const BASE: CacheableRequest = {
  model: 'gpt-4.1',
  messages: [
    { role: 'system', content: 'You write TypeScript.' },
    { role: 'user', content: 'Implement slugify.\nKeep it small.' },
  ],
  sampling: { temperature: 0, top_p: 1 },
  promptVersion: 'p1',
};

const withUser = (content: string): CacheableRequest => ({
  ...BASE,
  messages: [BASE.messages[0]!, { role: 'user', content }],
});

describe('requestKey', () => {
  it('is a sha256 hex digest and stable for the same request', () => {
    expect(requestKey(BASE)).toMatch(/^[0-9a-f]{64}$/);
    expect(requestKey(structuredClone(BASE))).toBe(requestKey(BASE));
  });

  it('does not depend on the order of keys at any level', () => {
    const reordered: CacheableRequest = {
      promptVersion: 'p1',
      sampling: { top_p: 1, temperature: 0 },
      messages: BASE.messages.map(({ role, content }) => ({ content, role })),
      model: 'gpt-4.1',
    };
    expect(requestKey(reordered)).toBe(requestKey(BASE));
  });

  it('treats CRLF like LF and ignores trailing whitespace at the end of a message', () => {
    const key = requestKey(BASE);
    expect(requestKey(withUser('Implement slugify.\r\nKeep it small.'))).toBe(key);
    expect(requestKey(withUser('Implement slugify.\nKeep it small.\n\n  \t'))).toBe(key);
    expect(requestKey(withUser('Implement slugify.\r\nKeep it small.\r\n'))).toBe(key);
  });

  it('keeps every other difference in the text, including leading and inner whitespace', () => {
    const key = requestKey(BASE);
    expect(requestKey(withUser('  Implement slugify.\nKeep it small.'))).not.toBe(key);
    expect(requestKey(withUser('Implement slugify. \nKeep it small.'))).not.toBe(key);
    expect(requestKey(withUser('implement slugify.\nKeep it small.'))).not.toBe(key);
  });

  it('changes with the model, the sampling, the prompt version, a message or its role', () => {
    const key = requestKey(BASE);
    const variants: CacheableRequest[] = [
      { ...BASE, model: 'gpt-4.1-mini' },
      { ...BASE, sampling: { temperature: 0.2, top_p: 1 } },
      { ...BASE, sampling: { temperature: 0 } },
      { ...BASE, sampling: { temperature: 0, top_p: 1, seed: null } },
      { ...BASE, promptVersion: 'p2' },
      withUser('Implement kebabCase.\nKeep it small.'),
      { ...BASE, messages: [BASE.messages[0]!, { role: 'assistant', content: BASE.messages[1]!.content }] },
      { ...BASE, messages: [...BASE.messages].reverse() },
      { ...BASE, messages: [...BASE.messages, { role: 'user', content: 'again' }] },
    ];
    const keys = variants.map(requestKey);
    expect(keys).not.toContain(key);
    expect(new Set(keys).size).toBe(variants.length);
  });

  it('does not let a message boundary move unnoticed', () => {
    const split: CacheableRequest = {
      ...BASE,
      messages: [
        { role: 'user', content: 'ab' },
        { role: 'user', content: 'c' },
      ],
    };
    const moved: CacheableRequest = {
      ...BASE,
      messages: [
        { role: 'user', content: 'a' },
        { role: 'user', content: 'bc' },
      ],
    };
    expect(requestKey(split)).not.toBe(requestKey(moved));
  });

  it('does not change the request it is given', () => {
    const request = withUser('text\r\n  ');
    requestKey(request);
    expect(request.messages[1]!.content).toBe('text\r\n  ');
  });
});
