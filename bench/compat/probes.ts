// Synthetic exercises (`exercism.ts --probes`): one common pattern of generated modules and their tests each, written
// for this bench, to check the kinds of breakage that the Exercism track does not exercise (its reference solutions
// are pure functions). Every probe passes under plain vitest; the bench shows which mode breaks it and how.
// Probes pass `--probes` instead of a checkout; they run in the same four modes.
import { exerciseOf, type Exercise } from './exercises.js';

/** Removes the indentation of the first indented line from every line, and the leading newline. */
function dedent(text: string): string {
  const body = text.replace(/^\n/, '');
  const indent = /^( *)\S/m.exec(body)?.[1]?.length ?? 0;
  return body.replace(new RegExp(`^ {0,${indent}}`, 'gm'), '');
}

function probe(slug: string, solution: string, tests: string): Exercise {
  const header = `import { afterEach, describe, expect, it, vi } from 'vitest'\nimport * as m from './${slug}.ts'\n\nafterEach(() => {\n  vi.useRealTimers()\n  vi.restoreAllMocks()\n  vi.unstubAllEnvs()\n})\n\n`;
  return exerciseOf(slug, dedent(solution), `${header}describe('${slug}', () => {\n${dedent(tests)}})\n`);
}

export const PROBES: Exercise[] = [
  probe(
    'live-binding',
    `
    export let count = 0
    export function increment(): number {
      count += 1
      return count
    }
  `,
    `
    it('an imported let sees assignments made by the module', () => {
      expect(m.count).toBe(0)
      m.increment()
      expect(m.count).toBe(1)
    })
  `,
  ),
  probe(
    'import-in-string',
    `
    export const advice = (): string => 'load it lazily with import("./heavy.js")'
  `,
    `
    it('returns the text', () => expect(m.advice()).toContain('import('))
  `,
  ),
  probe(
    'html-comment-in-string',
    `
    export const hide = (html: string): string => '<!-- ' + html + ' -->'
  `,
    `
    it('wraps in a comment', () => expect(m.hide('x')).toBe('<!-- x -->'))
  `,
  ),
  probe(
    'eval-in-string',
    `
    export const warning = (): string => 'never call eval(input) on user data'
  `,
    `
    it('returns the text', () => expect(m.warning()).toContain('eval('))
  `,
  ),
  probe(
    'url-objects',
    `
    export const endpoint = (path: string): URL => new URL(path, 'https://api.example.com')
  `,
    `
    it('toEqual', () => expect(m.endpoint('/a')).toEqual(new URL('https://api.example.com/a')))
    it('toHaveProperty', () => expect(m.endpoint('/a')).toHaveProperty('pathname', '/a'))
    it('href', () => expect(m.endpoint('/a').href).toBe('https://api.example.com/a'))
  `,
  ),
  probe(
    'fake-timers',
    `
    export function debounce(fn: () => void, ms: number): () => void {
      let timer: ReturnType<typeof setTimeout> | undefined
      return () => {
        if (timer !== undefined) clearTimeout(timer)
        timer = setTimeout(fn, ms)
      }
    }
    export const stamp = (): number => Date.now()
    export const today = (): string => new Date().toISOString().slice(0, 10)
  `,
    `
    it('debounce under vi.useFakeTimers', () => {
      vi.useFakeTimers()
      const fn = vi.fn()
      const run = m.debounce(fn, 100)
      run()
      run()
      vi.advanceTimersByTime(99)
      expect(fn).not.toHaveBeenCalled()
      vi.advanceTimersByTime(1)
      expect(fn).toHaveBeenCalledTimes(1)
    })
    it('Date follows vi.setSystemTime', () => {
      vi.useFakeTimers()
      vi.setSystemTime(new Date('2020-01-02T03:04:05Z'))
      expect(m.stamp()).toBe(Date.parse('2020-01-02T03:04:05Z'))
      expect(m.today()).toBe('2020-01-02')
    })
  `,
  ),
  probe(
    'errors-and-instanceof',
    `
    export class ValidationError extends Error {
      constructor(message: string) {
        super(message)
        this.name = 'ValidationError'
      }
    }
    export function parseAge(text: string): number {
      const n = Number(text)
      if (Number.isNaN(n)) throw new ValidationError('not a number: ' + text)
      if (n < 0) throw new RangeError('negative')
      return n
    }
    export const things = () => ({ list: [1], map: new Map([['a', 1]]), set: new Set([1]), date: new Date(0), re: /a/g, err: new TypeError('t') })
    export const later = async (ok: boolean): Promise<number> => {
      if (!ok) throw new ValidationError('later')
      return 1
    }
  `,
    `
    it('toThrow with a class, a message, a regexp, an error', () => {
      expect(() => m.parseAge('x')).toThrow(m.ValidationError)
      expect(() => m.parseAge('x')).toThrow(Error)
      expect(() => m.parseAge('-1')).toThrow(RangeError)
      expect(() => m.parseAge('x')).toThrow('not a number: x')
      expect(() => m.parseAge('x')).toThrowError(/not a number/)
      expect(() => m.parseAge('-1')).toThrow(new RangeError('negative'))
    })
    it('a caught error is an instance of its classes', () => {
      let caught: unknown
      try { m.parseAge('x') } catch (error) { caught = error }
      expect(caught).toBeInstanceOf(m.ValidationError)
      expect(caught).toBeInstanceOf(Error)
      expect(caught instanceof Error).toBe(true)
      expect(caught).toEqual(new m.ValidationError('not a number: x'))
    })
    it('built-in objects made by the module', () => {
      const t = m.things()
      expect(t.list).toBeInstanceOf(Array)
      expect(t.map).toBeInstanceOf(Map)
      expect(t.date).toBeInstanceOf(Date)
      expect(t.re).toBeInstanceOf(RegExp)
      expect(t.err).toBeInstanceOf(TypeError)
      expect(t).toEqual({ list: [1], map: new Map([['a', 1]]), set: new Set([1]), date: new Date(0), re: /a/g, err: new TypeError('t') })
      expect(t).toStrictEqual({ list: [1], map: new Map([['a', 1]]), set: new Set([1]), date: new Date(0), re: /a/g, err: new TypeError('t') })
    })
    it('resolves and rejects', async () => {
      await expect(m.later(true)).resolves.toBe(1)
      await expect(m.later(false)).rejects.toThrow(m.ValidationError)
      await expect(m.later(false)).rejects.toThrow('later')
    })
  `,
  ),
  probe(
    'capture-stack-trace',
    `
    export class HttpError extends Error {
      constructor(readonly status: number, message: string) {
        super(message)
        this.name = 'HttpError'
        Error.captureStackTrace(this, HttpError)
      }
    }
    export function fail(status: number): never {
      throw new HttpError(status, 'status ' + status)
    }
  `,
    `
    it('throws its error', () => expect(() => m.fail(404)).toThrow('status 404'))
  `,
  ),
  probe(
    'private-field-getter',
    `
    export class Stack<T> {
      #items: T[] = []
      push(item: T): void { this.#items.push(item) }
      get size(): number { return this.#items.length }
    }
  `,
    `
    const two = () => { const s = new m.Stack<number>(); s.push(1); s.push(2); return s }
    it('reads the getter', () => expect(two().size).toBe(2))
    it('toHaveProperty on a getter over a private field', () => expect(two()).toHaveProperty('size', 2))
    it('toMatchObject on a getter over a private field', () => expect(two()).toMatchObject({ size: 2 }))
  `,
  ),
  probe(
    'symbol-has-instance',
    `
    export class Duck {
      static [Symbol.hasInstance](value: unknown): boolean {
        return typeof value === 'object' && value !== null && 'quack' in value
      }
    }
    export const robot = { quack: (): string => 'beep' }
  `,
    `
    it('instanceof asks the class', () => expect(m.robot instanceof m.Duck).toBe(true))
    it('toBeInstanceOf asks the class', () => expect(m.robot).toBeInstanceOf(m.Duck))
  `,
  ),
  probe(
    'proxy-store',
    `
    export function createStore<T extends object>(initial: T): T {
      return new Proxy({ ...initial }, {
        set(target, key, value) {
          Reflect.set(target, key, value)
          return true
        },
      })
    }
  `,
    `
    it('reads a property', () => { const s = m.createStore({ a: 1 }); s.a = 2; expect(s.a).toBe(2) })
    it('toEqual', () => expect(m.createStore({ a: 1 })).toEqual({ a: 1 }))
    it('toBeTruthy', () => expect(m.createStore({ a: 1 })).toBeTruthy())
    it('toHaveProperty', () => expect(m.createStore({ a: 1 })).toHaveProperty('a', 1))
  `,
  ),
  probe(
    'math-random-spy',
    `
    export const roll = (): number => Math.floor(Math.random() * 6) + 1
  `,
    `
    it('vi.spyOn(Math, "random") reaches the module', () => {
      vi.spyOn(Math, 'random').mockReturnValue(0.5)
      expect(m.roll()).toBe(4)
    })
  `,
  ),
  probe(
    'process-env',
    `
    export const greeting = (): string => process.env.GREETING ?? 'hello'
  `,
    `
    it('reads the environment', () => {
      vi.stubEnv('GREETING', 'hi')
      expect(m.greeting()).toBe('hi')
    })
  `,
  ),
  probe(
    'module-paths',
    `
    export const fromDirname = (): string => __dirname + '/data.json'
    export const fromImportMeta = (): string => import.meta.dirname + '/data.json'
    export const fromUrl = (): string => new URL('./data.json', import.meta.url).pathname
  `,
    `
    it('__dirname', () => expect(m.fromDirname()).toMatch(/src\\/data\\.json$/))
    it('import.meta.dirname', () => expect(m.fromImportMeta()).toMatch(/src\\/data\\.json$/))
    it('import.meta.url', () => expect(m.fromUrl()).toMatch(/src\\/data\\.json$/))
  `,
  ),
  probe(
    'esm-dirname-idiom',
    `
    import path from 'node:path'
    import { fileURLToPath } from 'node:url'
    const __filename = fileURLToPath(import.meta.url)
    const __dirname = path.dirname(__filename)
    export const dataFile = (): string => path.join(__dirname, 'data.json')
  `,
    `
    it('joins its own folder', () => expect(m.dataFile()).toMatch(/src\\/data\\.json$/))
  `,
  ),
  probe(
    'granted-builtins',
    `
    import { createHash } from 'node:crypto'
    import { EventEmitter } from 'node:events'
    import { format } from 'node:util'
    export const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex')
    export const show = (n: number): string => format('n=%d', n)
    export class Ticker extends EventEmitter {
      tick(): void { this.emit('tick', 1) }
    }
  `,
    `
    it('crypto', () => expect(m.sha1('abc')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d'))
    it('util', () => expect(m.show(3)).toBe('n=3'))
    it('a class extending EventEmitter', () => {
      const ticker = new m.Ticker()
      const seen: number[] = []
      ticker.on('tick', (n: number) => seen.push(n))
      ticker.tick()
      expect(seen).toEqual([1])
    })
  `,
  ),
  probe(
    'test-realm-after-confine',
    `
    export const one = (): number => 1
  `,
    `
    it('the module loads', () => expect(m.one()).toBe(1))
    it('the test can still make an EventEmitter', async () => {
      const { EventEmitter } = await import('node:events')
      expect(() => new EventEmitter()).not.toThrow()
    })
    it('the test can still use streams', async () => {
      const { Readable } = await import('node:stream')
      const chunks: unknown[] = []
      for await (const chunk of Readable.from(['a', 'b'])) chunks.push(chunk)
      expect(chunks).toEqual(['a', 'b'])
    })
  `,
  ),
  probe(
    'extend-builtin-prototype',
    `
    declare global { interface Array<T> { last(): T | undefined } }
    Array.prototype.last = function () { return this[this.length - 1] }
    export const lastOf = <T>(items: T[]): T | undefined => items.last()
  `,
    `
    it('uses the added method', () => expect(m.lastOf([1, 2, 3])).toBe(3))
  `,
  ),
  probe(
    'top-level-await',
    `
    const table = await Promise.resolve(new Map([['a', 1]]))
    export const lookup = (key: string): number | undefined => table.get(key)
  `,
    `
    it('reads what the top level awaited', () => expect(m.lookup('a')).toBe(1))
  `,
  ),
  probe(
    'snapshots',
    `
    export class Point {
      constructor(public x: number, public y: number) {}
    }
    export const origin = (): Point => new Point(0, 0)
  `,
    `
    it('inline snapshot of a class instance', () => {
      expect(m.origin()).toMatchInlineSnapshot(\`
        Point {
          "x": 0,
          "y": 0,
        }
      \`)
    })
    it('file snapshot', () => expect({ p: m.origin(), list: [m.origin()] }).toMatchSnapshot())
  `,
  ),
  probe(
    'function-constructor',
    `
    export const compile = (body: string): ((a: number, b: number) => number) => new Function('a', 'b', body) as (a: number, b: number) => number
  `,
    `
    it('builds a function from text', () => expect(m.compile('return a + b')(1, 2)).toBe(3))
  `,
  ),
  probe(
    'locale',
    `
    export const formatCount = (n: number): string => n.toLocaleString('en-US')
    export const sortNames = (names: string[]): string[] => [...names].sort((a, b) => a.localeCompare(b))
    export const shortDate = (d: Date): string => d.toLocaleDateString('en-US', { timeZone: 'UTC' })
    export const money = (n: number): string => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(n)
  `,
    `
    it('toLocaleString', () => expect(m.formatCount(1234567)).toBe('1,234,567'))
    it('localeCompare', () => expect(m.sortNames(['b', 'B', 'a', 'A'])).toEqual(['a', 'A', 'b', 'B']))
    it('toLocaleDateString', () => expect(m.shortDate(new Date(Date.UTC(2020, 0, 2)))).toBe('1/2/2020'))
    it('Intl.NumberFormat', () => expect(m.money(1234.5)).toBe('$1,234.50'))
  `,
  ),
  probe(
    'iterable-class',
    `
    export class Range implements Iterable<number> {
      constructor(private readonly from: number, private readonly to: number) {}
      *[Symbol.iterator](): Iterator<number> {
        for (let i = this.from; i <= this.to; i++) yield i
      }
    }
  `,
    `
    it('spreads', () => expect([...new m.Range(1, 3)]).toEqual([1, 2, 3]))
    it('toEqual of two instances', () => expect(new m.Range(1, 3)).toEqual(new m.Range(1, 3)))
    it('toContain', () => expect(Array.from(new m.Range(1, 3))).toContain(2))
  `,
  ),
  probe(
    'spy-on-module-object',
    `
    export const api = { fetchName: (id: number): string => 'user' + id }
    export const greet = (id: number): string => 'hi ' + api.fetchName(id)
  `,
    `
    it('vi.spyOn on an object the module exports', () => {
      const spy = vi.spyOn(m.api, 'fetchName').mockReturnValue('bob')
      expect(m.greet(1)).toBe('hi bob')
      expect(spy).toHaveBeenCalledWith(1)
    })
  `,
  ),
  probe(
    'callbacks-and-this',
    `
    export class Counter {
      count = 0
      inc(): void { this.count++ }
    }
    export const each = <T>(items: T[], fn: (item: T, index: number) => void): void => items.forEach(fn)
  `,
    `
    it('calls a vi.fn for each item', () => {
      const fn = vi.fn()
      m.each([1, 2], fn)
      expect(fn).toHaveBeenNthCalledWith(2, 2, 1, [1, 2])
    })
    it('a method passed around keeps its class', () => {
      const c = new m.Counter()
      c.inc()
      expect(c).toEqual({ count: 1 })
      expect(c).toStrictEqual(Object.assign(new m.Counter(), { count: 1 }))
    })
  `,
  ),
  // Top-level `this` is undefined in an ES module; vitest's module runner makes it globalThis, which UMD-style code uses.
  probe(
    'module-this',
    `
    export const self = this
  `,
    `
    it('module-level this is what vitest makes it', () => expect(typeof m.self).toBe('object'))
  `,
  ),
];
