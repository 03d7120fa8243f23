import { describe, expect, it } from 'vitest';
import { createAuth } from '../src/auth.ts';
import { createStorage } from '../src/storage.ts';
import { handleUpload } from '../src/upload.ts';

const setup = () => ({ auth: createAuth({ 'tok-alice': 'alice' }), storage: createStorage() });
const upload = (headers: Record<string, string | undefined>, text = 'hello') => ({
  headers,
  fileName: 'hello.txt',
  contentType: 'text/plain',
  body: new TextEncoder().encode(text),
});

describe('handleUpload', () => {
  it('stores the file of an authenticated user and answers 201 with its URL', async () => {
    const deps = setup();
    const response = await handleUpload(upload({ authorization: 'Bearer tok-alice' }), deps);
    expect(response).toEqual({ status: 201, body: { url: '/files/1' } });
    const stored = deps.storage.get('1');
    expect(stored).toMatchObject({ owner: 'alice', name: 'hello.txt', contentType: 'text/plain' });
    expect(new TextDecoder().decode(stored!.data)).toBe('hello');
  });

  it('answers 403 and stores nothing when there is no token', async () => {
    const deps = setup();
    expect(await handleUpload(upload({}), deps)).toEqual({ status: 403, body: { error: 'forbidden' } });
    expect(deps.storage.get('1')).toBeUndefined();
  });

  it('answers 403 for an unknown token', async () => {
    const deps = setup();
    expect(await handleUpload(upload({ authorization: 'Bearer tok-mallory' }), deps)).toEqual({ status: 403, body: { error: 'forbidden' } });
    expect(deps.storage.get('1')).toBeUndefined();
  });

  it('answers 400 for an empty file and stores nothing', async () => {
    const deps = setup();
    expect(await handleUpload(upload({ authorization: 'Bearer tok-alice' }, ''), deps)).toEqual({ status: 400, body: { error: 'empty file' } });
    expect(deps.storage.get('1')).toBeUndefined();
  });

  it('checks authentication before anything else', async () => {
    expect(await handleUpload(upload({}, ''), setup())).toEqual({ status: 403, body: { error: 'forbidden' } });
  });

  it('gives each upload its own URL', async () => {
    const deps = setup();
    const headers = { authorization: 'Bearer tok-alice' };
    await handleUpload(upload(headers, 'one'), deps);
    expect(await handleUpload(upload(headers, 'two'), deps)).toEqual({ status: 201, body: { url: '/files/2' } });
    expect(new TextDecoder().decode(deps.storage.get('2')!.data)).toBe('two');
  });
});
