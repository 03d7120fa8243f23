import { describe, expect, it } from 'vitest';
import { parseRequiredExport, signatureProblem } from './signature.js';

describe('parseRequiredExport', () => {
  it('reads a function signature into the function type the export must have', () => {
    expect(parseRequiredExport('handle(request: Req, { retries }: Options, limit = 3, ...rest: string[]): Promise<Res>')).toEqual({
      kind: 'value',
      name: 'handle',
      signature: 'handle(request: Req, { retries }: Options, limit = 3, ...rest: string[]): Promise<Res>',
      type: '(request: Req, { retries }: Options, limit?: any, ...rest: string[]) => Promise<Res>',
    });
    expect(parseRequiredExport("async function first<T>(items: T[], label?: 'é'): T")).toMatchObject({
      type: "<T>(items: T[], label?: 'é') => Promise<T>",
    });
  });

  it('reads values and type-level exports', () => {
    expect(parseRequiredExport('const MAX: number')).toEqual({
      kind: 'value',
      name: 'MAX',
      signature: 'const MAX: number',
      type: 'number',
    });
    expect(parseRequiredExport('MAX: number')).toMatchObject({ kind: 'value', name: 'MAX', type: 'number' });
    expect(parseRequiredExport('let count')).toEqual({ kind: 'value', name: 'count', signature: 'let count', type: undefined });
    expect(parseRequiredExport('interface Session')).toEqual({ kind: 'interface', name: 'Session', signature: 'interface Session' });
    expect(parseRequiredExport('export enum Color;')).toMatchObject({ kind: 'enum', name: 'Color' });
  });
});

describe('signatureProblem', () => {
  it('accepts every supported form', () => {
    for (const signature of ['sum(a: number, b: number): number', 'function f(): void', 'const x: string', 'class Store', 'type Role']) {
      expect(signatureProblem(signature)).toBeUndefined();
    }
  });

  it('says a signature does not parse, with the parser’s reason', () => {
    expect(signatureProblem('sum(a: number: number')).toMatch(/^it does not parse \(Expected `,` or `\)` but found `:`\)$/);
  });

  it('says a signature that parses is not a supported form', () => {
    expect(signatureProblem('namespace Tools {}')).toMatch(/^it is not one of the supported forms \(name\(a: T\): R, /);
  });
});
