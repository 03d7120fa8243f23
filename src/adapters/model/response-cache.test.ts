import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requestKey } from '../../core/model/cache-key.js';
import { AinativeError, ProviderError } from '../../core/errors.js';
import type { ChatMessage, ModelClient, ModelReply } from '../../core/ports.js';
import {
  cachedModel,
  CacheMissError,
  cacheStats,
  ensureCacheGitattributes,
  pruneCache,
  type CachedModel,
  type CacheMode,
  type ResponseCacheOptions,
} from './response-cache.js';

const MODEL = 'gpt-test';
const PROMPT_VERSION = 'p1';
const SAMPLING = { temperature: 0 };
const ASK: ChatMessage[] = [
  { role: 'system', content: 'You write TypeScript.' },
  { role: 'user', content: 'Implement slugify.' },
];
const ASK_AGAIN: ChatMessage[] = [...ASK, { role: 'user', content: 'The test failed; fix it.' }];

const reply = (content: string, extra: Partial<ModelReply> = {}): ModelReply => ({
  content,
  finishReason: 'stop',
  refusal: null,
  usage: { prompt: 100, completion: 20 },
  ...extra,
});

/** A model answering from a script in order (an Error is thrown instead); counts its calls. */
class FakeModel implements ModelClient {
  calls = 0;
  constructor(private readonly script: Array<ModelReply | Error>) {}
  async complete(): Promise<ModelReply> {
    this.calls += 1;
    const next = this.script.shift();
    if (next === undefined) throw new Error(`FakeModel: nothing scripted for call ${this.calls}`);
    if (next instanceof Error) throw next;
    return next;
  }
}

let base: string;
let dir: string;

beforeEach(async () => {
  base = await mkdtemp(join(os.tmpdir(), 'ainative response cache '));
  dir = join(base, 'project', '.ainative', 'cache');
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

/** The cached model over `fake`, plus how many times the factory was asked for it. */
function setup(fake: FakeModel, mode: CacheMode = 'read-write', overrides: Partial<ResponseCacheOptions> = {}) {
  const factory = { created: 0 };
  const inner = async () => {
    factory.created += 1;
    return fake;
  };
  const options = { dir, mode, model: MODEL, promptVersion: PROMPT_VERSION, sampling: SAMPLING, ...overrides };
  return { cache: flushingAfterEachCall(cachedModel(inner, options)), factory };
}

/** Most tests look at the disk right after a call: flush after each one, keeping its reply, as a green build does. */
function flushingAfterEachCall(cache: CachedModel): CachedModel {
  return {
    async complete(messages, call) {
      const reply = await cache.complete(messages, call);
      await cache.flush(new Set(reply.cacheKey ? [reply.cacheKey] : []));
      return reply;
    },
    flush: (keep) => cache.flush(keep),
    get replayed() {
      return cache.replayed;
    },
    get stored() {
      return cache.stored;
    },
  };
}

const keyOf = (messages: ChatMessage[]) => requestKey({ model: MODEL, messages, sampling: SAMPLING, promptVersion: PROMPT_VERSION });
const entryFile = (key: string, cacheDir = dir) => join(cacheDir, key.slice(0, 2), `${key}.json`);
const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** Stores `answer` for `messages` through a read-write cache. */
async function seed(messages: ChatMessage[], answer: ModelReply): Promise<void> {
  await setup(new FakeModel([answer])).cache.complete(messages);
}

describe('cachedModel in read-write mode', () => {
  it('asks the model once on a miss, stores the reply, and replays it for the same request', async () => {
    const fake = new FakeModel([reply('export const a = 1;')]);
    const { cache } = setup(fake);

    expect(await cache.complete(ASK)).toEqual({ ...reply('export const a = 1;'), cacheKey: keyOf(ASK) });
    expect(fake.calls).toBe(1);
    expect(cache.stored).toBe(1);
    expect(await exists(entryFile(keyOf(ASK)))).toBe(true);

    expect(await cache.complete(ASK)).toEqual({ ...reply('export const a = 1;'), cacheKey: keyOf(ASK) });
    expect(fake.calls).toBe(1);
    expect(cache.replayed).toBe(1);
    expect(cache.stored).toBe(1);
  });

  it('stores an entry with sorted keys, the reply and no request text or timestamps', async () => {
    await seed(ASK, { ...reply('code'), finishReason: null, extra: 'dropped' } as ModelReply);
    const key = keyOf(ASK);
    const text = await readFile(entryFile(key), 'utf8');

    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual({
      key,
      model: MODEL,
      promptVersion: PROMPT_VERSION,
      reply: { content: 'code', finishReason: null, refusal: null, usage: { prompt: 100, completion: 20 } },
    });
    expect(Object.keys(JSON.parse(text))).toEqual(['key', 'model', 'promptVersion', 'reply']);
    expect(Object.keys(JSON.parse(text).reply)).toEqual(['content', 'finishReason', 'refusal', 'usage']);
    expect(text).not.toContain('Implement slugify');
  });

  it('never creates the inner model when every request hits', async () => {
    await seed(ASK, reply('one'));
    await seed(ASK_AGAIN, reply('two'));
    const { cache, factory } = setup(new FakeModel([]));

    expect((await cache.complete(ASK)).content).toBe('one');
    expect((await cache.complete(ASK_AGAIN)).content).toBe('two');
    expect(factory.created).toBe(0);
    expect(cache.replayed).toBe(2);
  });

  it('creates the inner model once however many misses follow', async () => {
    const { cache, factory } = setup(new FakeModel([reply('one'), reply('two')]));
    await cache.complete(ASK);
    await cache.complete(ASK_AGAIN);
    expect(factory.created).toBe(1);
  });

  it.each([
    ['truncated', reply('export const a', { finishReason: 'length' })],
    ['cut', reply('export const a', { finishReason: 'cut' })],
    ['filtered', reply('', { finishReason: 'content_filter' })],
    ['a refusal', reply('', { refusal: 'I cannot help with that.' })],
    ['empty', reply('  \n')],
  ])('never replays a %s reply within the build, and writes it only when its build keeps it', async (_, answer) => {
    const fake = new FakeModel([answer, reply('export const a = 1;')]);
    const cache = cachedModel(async () => fake, {
      dir,
      mode: 'read-write',
      model: MODEL,
      promptVersion: PROMPT_VERSION,
      sampling: SAMPLING,
    });

    expect(await cache.complete(ASK)).toEqual({ ...answer, cacheKey: keyOf(ASK) });
    expect((await cache.complete(ASK)).content).toBe('export const a = 1;');
    expect(fake.calls).toBe(2);

    const again = cachedModel(async () => new FakeModel([answer]), {
      dir,
      mode: 'read-write',
      model: MODEL,
      promptVersion: PROMPT_VERSION,
      sampling: SAMPLING,
    });
    await again.complete(ASK);
    // A build that turned green after this reply keeps it, so an offline rebuild replays the same path.
    expect(await again.flush(new Set([keyOf(ASK)]))).toBe(1);
    const frozen = cachedModel(async () => new FakeModel([]), {
      dir,
      mode: 'frozen',
      model: MODEL,
      promptVersion: PROMPT_VERSION,
      sampling: SAMPLING,
    });
    expect(await frozen.complete(ASK)).toEqual({ ...answer, cacheKey: keyOf(ASK) });
  });

  it('lets provider errors through untouched and stores nothing', async () => {
    const failure = new ProviderError('quota exceeded');
    const { cache } = setup(new FakeModel([failure]));
    await expect(cache.complete(ASK)).rejects.toBe(failure);
    expect(cache.stored).toBe(0);
    expect(await cacheStats(dir)).toEqual({ entries: 0, bytes: 0 });
  });

  it('treats a corrupt entry as a miss and overwrites it', async () => {
    const path = entryFile(keyOf(ASK));
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, '{"key": "trunc');
    const fake = new FakeModel([reply('fresh')]);
    const { cache } = setup(fake);

    expect((await cache.complete(ASK)).content).toBe('fresh');
    expect(fake.calls).toBe(1);
    expect(JSON.parse(await readFile(path, 'utf8')).reply.content).toBe('fresh');
  });

  it('treats an entry holding another key or a malformed reply as a miss', async () => {
    await seed(ASK_AGAIN, reply('other'));
    const path = entryFile(keyOf(ASK));
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, await readFile(entryFile(keyOf(ASK_AGAIN))));
    const fake = new FakeModel([reply('right'), reply('right again')]);
    const { cache } = setup(fake);
    expect((await cache.complete(ASK)).content).toBe('right');

    await writeFile(path, JSON.stringify({ key: keyOf(ASK), reply: { content: 'x' } }));
    expect((await cache.complete(ASK)).content).toBe('right again');
    expect(fake.calls).toBe(2);
  });

  it('joins an identical request already in flight, so both get the one stored reply', async () => {
    const fake = new FakeModel([reply('only')]);
    const { cache } = setup(fake);
    const [first, second] = await Promise.all([cache.complete(ASK), cache.complete(ASK)]);
    expect([first.content, second.content]).toEqual(['only', 'only']);
    expect(fake.calls).toBe(1);
    expect([cache.stored, cache.replayed]).toEqual([1, 1]);
  });

  it('writes byte-identical entries when the same exchange is stored in two fresh caches', async () => {
    const other = join(base, 'other clone', '.ainative', 'cache');
    await seed(ASK, reply('export const a = 1;\n'));
    const options = { dir: other, mode: 'read-write' as const, model: MODEL, promptVersion: PROMPT_VERSION, sampling: SAMPLING };
    const second = cachedModel(async () => new FakeModel([reply('export const a = 1;\n')]), options);
    await second.complete(ASK);
    await second.flush(new Set([keyOf(ASK)]));

    const key = keyOf(ASK);
    expect((await readFile(entryFile(key, other))).equals(await readFile(entryFile(key)))).toBe(true);
  });
});

describe('cachedModel in frozen mode', () => {
  it('replays hits without creating the inner model', async () => {
    await seed(ASK, reply('cached'));
    const { cache, factory } = setup(new FakeModel([]), 'frozen');
    expect((await cache.complete(ASK)).content).toBe('cached');
    expect(factory.created).toBe(0);
    expect(cache.replayed).toBe(1);
  });

  it('throws CacheMissError on a miss and never calls the model', async () => {
    const fake = new FakeModel([reply('never')]);
    const { cache, factory } = setup(fake, 'frozen');
    const error = await cache.complete(ASK).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(CacheMissError);
    expect(error).toBeInstanceOf(AinativeError);
    expect((error as CacheMissError).exitCode).toBe(7);
    expect((error as CacheMissError).code).toBe('CACHE_MISS');
    expect((error as Error).message).toBe(
      `no cached reply for this request in .ainative/cache (key ${keyOf(ASK).slice(0, 12)}); run without --frozen to ask the model`,
    );
    expect([factory.created, fake.calls]).toEqual([0, 0]);
    expect(await exists(dir)).toBe(false);
  });

  it('throws CacheMissError naming a corrupt entry file, and leaves the file alone', async () => {
    const path = entryFile(keyOf(ASK));
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, 'not json');
    const { cache, factory } = setup(new FakeModel([]), 'frozen');

    const error = await cache.complete(ASK).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CacheMissError);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toContain('corrupt');
    expect(factory.created).toBe(0);
    expect(await readFile(path, 'utf8')).toBe('not json');
  });
});

describe('cachedModel in off mode', () => {
  it('always asks the model and stores nothing', async () => {
    await seed(ASK, reply('cached'));
    const before = await cacheStats(dir);
    const fake = new FakeModel([reply('live 1'), reply('live 2')]);
    const { cache } = setup(fake, 'off');

    expect((await cache.complete(ASK)).content).toBe('live 1');
    expect((await cache.complete(ASK_AGAIN)).content).toBe('live 2');
    expect(fake.calls).toBe(2);
    expect([cache.replayed, cache.stored]).toEqual([0, 0]);
    expect(await cache.flush(new Set([keyOf(ASK), keyOf(ASK_AGAIN)]))).toBe(0);
    expect(await cacheStats(dir)).toEqual(before);
  });
});

describe('cachedModel with best-of-n in one request', () => {
  /** A model that answers `n` with several choices, and counts both kinds of call. */
  class ManyModel extends FakeModel {
    many = 0;
    constructor(private readonly choices: ModelReply[]) {
      super([reply('single')]);
    }
    async completeMany(_messages: ChatMessage[], count: number): Promise<ModelReply[]> {
      this.many += 1;
      return this.choices.slice(0, count);
    }
  }

  it('stores each choice under its sample key, so a frozen build replays them whether asked together or one by one', async () => {
    const live = new ManyModel([reply('one'), reply('two')]);
    const writer = cachedModel(async () => live, {
      dir,
      mode: 'read-write',
      model: MODEL,
      promptVersion: PROMPT_VERSION,
      sampling: SAMPLING,
    });
    const many = await writer.completeMany!(ASK, 2);
    expect(many.map((r) => r.content)).toEqual(['one', 'two']);
    expect(await writer.flush(new Set(many.map((r) => r.cacheKey!)))).toBe(2);

    const never = new ManyModel([]);
    const frozen = cachedModel(async () => never, { dir, mode: 'frozen', model: MODEL, promptVersion: PROMPT_VERSION, sampling: SAMPLING });
    expect((await frozen.completeMany!(ASK, 2)).map((r) => r.content)).toEqual(['one', 'two']);
    expect((await frozen.complete(ASK, { sample: 2 })).content).toBe('two');
    await expect(frozen.completeMany!(ASK, 3)).rejects.toBeInstanceOf(CacheMissError);
    expect(never.many + never.calls).toBe(0);
  });

  it('hands back only what the model sent when it ignores n, storing those', async () => {
    const live = new ManyModel([reply('one')]);
    const writer = cachedModel(async () => live, {
      dir,
      mode: 'read-write',
      model: MODEL,
      promptVersion: PROMPT_VERSION,
      sampling: SAMPLING,
    });
    expect((await writer.completeMany!(ASK, 3)).map((r) => r.content)).toEqual(['one']);
    expect(writer.stored).toBe(1);
  });
});

describe('cache keys on replies', () => {
  it('marks every reply, replayed or new, with the key of its entry', async () => {
    await seed(ASK, reply('one'));
    const cache = cachedModel(async () => new FakeModel([reply('two')]), {
      dir,
      mode: 'read-write',
      model: MODEL,
      promptVersion: PROMPT_VERSION,
      sampling: SAMPLING,
    });
    expect((await cache.complete(ASK)).cacheKey).toBe(keyOf(ASK));
    expect((await cache.complete(ASK_AGAIN)).cacheKey).toBe(keyOf(ASK_AGAIN));
  });

  it('writes only the replies the build keeps, so a red build leaves nothing to replay', async () => {
    const first = cachedModel(async () => new FakeModel([reply('red'), reply('green')]), {
      dir,
      mode: 'read-write',
      model: MODEL,
      promptVersion: PROMPT_VERSION,
      sampling: SAMPLING,
    });
    await first.complete(ASK);
    await first.complete(ASK_AGAIN);
    expect(await first.flush(new Set([keyOf(ASK_AGAIN)]))).toBe(1);
    expect(await exists(entryFile(keyOf(ASK)))).toBe(false);
    expect(await exists(entryFile(keyOf(ASK_AGAIN)))).toBe(true);

    const fake = new FakeModel([reply('asked again')]);
    const second = cachedModel(async () => fake, {
      dir,
      mode: 'read-write',
      model: MODEL,
      promptVersion: PROMPT_VERSION,
      sampling: SAMPLING,
    });
    expect((await second.complete(ASK)).content).toBe('asked again');
    expect((await second.complete(ASK_AGAIN)).content).toBe('green');
    expect(fake.calls).toBe(1);
  });
});

describe('pruneCache and cacheStats', () => {
  it('reports zeros for a cache that does not exist', async () => {
    expect(await cacheStats(dir)).toEqual({ entries: 0, bytes: 0 });
    expect(await pruneCache(dir, new Set())).toEqual({ removed: 0, kept: 0, bytesFreed: 0 });
  });

  it('counts entries and their bytes', async () => {
    await seed(ASK, reply('one'));
    await seed(ASK_AGAIN, reply('two'));
    const sizes = await Promise.all([ASK, ASK_AGAIN].map(async (m) => (await stat(entryFile(keyOf(m)))).size));
    expect(await cacheStats(dir)).toEqual({ entries: 2, bytes: sizes[0]! + sizes[1]! });
  });

  it('removes unreferenced entries and the shard folders they leave empty, and reports the bytes freed', async () => {
    await seed(ASK, reply('keep me'));
    await seed(ASK_AGAIN, reply('drop me'));
    const dropped = entryFile(keyOf(ASK_AGAIN));
    const droppedBytes = (await stat(dropped)).size;
    const stray = join(dir, 'README.md');
    await writeFile(stray, 'not an entry\n');

    const result = await pruneCache(dir, new Set([keyOf(ASK)]));

    expect(result).toEqual({ removed: 1, kept: 1, bytesFreed: droppedBytes });
    expect(await exists(dropped)).toBe(false);
    expect(await exists(entryFile(keyOf(ASK)))).toBe(true);
    expect(await exists(stray)).toBe(true);
    expect((await readdir(dir)).sort()).toEqual(['README.md', keyOf(ASK).slice(0, 2)].sort());
    expect(await cacheStats(dir)).toEqual({ entries: 1, bytes: (await stat(entryFile(keyOf(ASK)))).size });
  });

  it('removes every entry and shard folder when nothing is kept', async () => {
    await seed(ASK, reply('one'));
    await seed(ASK_AGAIN, reply('two'));
    await mkdir(join(dir, 'ff'), { recursive: true }); // an empty shard left by an earlier prune or crash
    const result = await pruneCache(dir, new Set());
    expect([result.removed, result.kept]).toEqual([2, 0]);
    expect(result.bytesFreed).toBeGreaterThan(0);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('ensureCacheGitattributes', () => {
  const LINE = '.ainative/cache/** linguist-generated=true -diff';
  const attributes = () => readFile(join(base, '.gitattributes'), 'utf8');

  it('creates the file with the one line, then does nothing on later calls', async () => {
    expect(await ensureCacheGitattributes(base)).toBe(true);
    expect(await attributes()).toBe(`${LINE}\n`);
    expect(await ensureCacheGitattributes(base)).toBe(false);
    expect(await attributes()).toBe(`${LINE}\n`);
  });

  it('appends after existing content, keeping it byte for byte', async () => {
    await writeFile(join(base, '.gitattributes'), '* text=auto\n*.png binary\n');
    expect(await ensureCacheGitattributes(base)).toBe(true);
    expect(await attributes()).toBe(`* text=auto\n*.png binary\n${LINE}\n`);
  });

  it('adds the missing trailing newline before its line', async () => {
    await writeFile(join(base, '.gitattributes'), '* text=auto');
    expect(await ensureCacheGitattributes(base)).toBe(true);
    expect(await attributes()).toBe(`* text=auto\n${LINE}\n`);
    expect(await ensureCacheGitattributes(base)).toBe(false);
  });

  it('follows a CRLF file and recognises the line already there with other spacing', async () => {
    await writeFile(join(base, '.gitattributes'), '* text=auto\r\n');
    expect(await ensureCacheGitattributes(base)).toBe(true);
    expect(await attributes()).toBe(`* text=auto\r\n${LINE}\r\n`);

    await writeFile(join(base, '.gitattributes'), `  .ainative/cache/**\tlinguist-generated=true   -diff\n*.md text\n`);
    expect(await ensureCacheGitattributes(base)).toBe(false);
  });
});

describe('cachedModel writes nothing until the build is done', () => {
  it('keeps new replies in memory, replays them, and writes them on flush', async () => {
    const fake = new FakeModel([reply('export const a = 1;')]);
    const cache = cachedModel(async () => fake, {
      dir,
      mode: 'read-write',
      model: MODEL,
      promptVersion: PROMPT_VERSION,
      sampling: SAMPLING,
    });
    await cache.complete(ASK);
    expect(await exists(entryFile(keyOf(ASK)))).toBe(false);
    expect((await cache.complete(ASK)).content).toBe('export const a = 1;');
    expect(fake.calls).toBe(1);

    expect(await cache.flush(new Set([keyOf(ASK)]))).toBe(1);
    expect(await exists(entryFile(keyOf(ASK)))).toBe(true);
    expect(await cache.flush(new Set([keyOf(ASK)]))).toBe(0);
  });
});
