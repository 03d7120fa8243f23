import { describe, expect, it } from 'vitest';
import { createStorage } from '../src/storage.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const file = (name: string, text = 'hello') => ({ owner: 'alice', name, contentType: 'text/plain', data: bytes(text) });

describe('storage', () => {
  it('hands out deterministic ids and /files/<id> URLs in put order', () => {
    const storage = createStorage();
    expect(storage.put(file('a.txt'))).toMatchObject({ id: '1', url: '/files/1' });
    expect(storage.put(file('b.txt'))).toMatchObject({ id: '2', url: '/files/2' });
  });

  it('gives back what was stored, with its owner, name and content type', () => {
    const storage = createStorage();
    const { id } = storage.put({ owner: 'bob', name: 'notes.md', contentType: 'text/markdown', data: bytes('# hi') });
    const stored = storage.get(id);
    expect(stored).toMatchObject({ id, url: `/files/${id}`, owner: 'bob', name: 'notes.md', contentType: 'text/markdown' });
    expect(new TextDecoder().decode(stored!.data)).toBe('# hi');
  });

  it('returns undefined for ids it never handed out', () => {
    const storage = createStorage();
    storage.put(file('a.txt'));
    expect(storage.get('2')).toBeUndefined();
    expect(storage.get('')).toBeUndefined();
    expect(storage.get('constructor')).toBeUndefined();
  });

  it('counts ids per store', () => {
    const first = createStorage();
    const second = createStorage();
    first.put(file('a.txt'));
    expect(second.put(file('b.txt')).id).toBe('1');
    expect(second.get('1')?.name).toBe('b.txt');
  });

  it('keeps its own copy of the bytes', () => {
    const storage = createStorage();
    const data = bytes('original');
    const { id } = storage.put({ ...file('a.txt'), data });
    data.fill(0);
    expect(new TextDecoder().decode(storage.get(id)!.data)).toBe('original');
  });
});
