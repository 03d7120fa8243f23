import { describe, expect, it } from 'vitest';
import { greet } from '../src/greet.ts';

describe('greet', () => {
  it('greets a person by name', () => {
    expect(greet('Ada')).toBe('Hello, Ada!');
  });

  it('ignores spaces around the name', () => {
    expect(greet('  Grace ')).toBe('Hello, Grace!');
  });

  it('greets the world when the name is empty or blank', () => {
    expect(greet('')).toBe('Hello, world!');
    expect(greet('   ')).toBe('Hello, world!');
  });
});
