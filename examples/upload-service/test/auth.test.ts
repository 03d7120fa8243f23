import { describe, expect, it } from 'vitest';
import { createAuth } from '../src/auth.ts';

const auth = createAuth({ 'tok-alice': 'alice', 'tok-bob': 'bob' });

describe('authenticate', () => {
  it('returns the user of a known bearer token', () => {
    expect(auth.authenticate({ authorization: 'Bearer tok-alice' })).toEqual({ id: 'alice' });
    expect(auth.authenticate({ authorization: 'Bearer tok-bob' })).toEqual({ id: 'bob' });
  });

  it('treats the header name and the scheme case-insensitively, and ignores whitespace around the token', () => {
    expect(auth.authenticate({ Authorization: 'bearer   tok-alice  ' })).toEqual({ id: 'alice' });
    expect(auth.authenticate({ AUTHORIZATION: 'BEARER tok-bob' })).toEqual({ id: 'bob' });
  });

  it('rejects a request without credentials', () => {
    expect(auth.authenticate({})).toBeNull();
    expect(auth.authenticate({ authorization: undefined })).toBeNull();
    expect(auth.authenticate({ authorization: 'Bearer ' })).toBeNull();
  });

  it('rejects unknown tokens, tokens in the wrong case and other schemes', () => {
    expect(auth.authenticate({ authorization: 'Bearer tok-mallory' })).toBeNull();
    expect(auth.authenticate({ authorization: 'Bearer TOK-ALICE' })).toBeNull();
    expect(auth.authenticate({ authorization: 'Basic tok-alice' })).toBeNull();
    expect(auth.authenticate({ authorization: 'tok-alice' })).toBeNull();
  });

  it('does not mistake inherited object keys for tokens', () => {
    expect(auth.authenticate({ authorization: 'Bearer constructor' })).toBeNull();
    expect(auth.authenticate({ authorization: 'Bearer toString' })).toBeNull();
    expect(auth.authenticate({ authorization: 'Bearer __proto__' })).toBeNull();
  });
});
