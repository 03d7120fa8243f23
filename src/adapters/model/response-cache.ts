import { mkdir, readdir, readFile, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { requestKey } from '../../core/model/cache-key.js';
import { sortKeys } from '../../core/project/lock.js';
import { AinativeError, EXIT } from '../../core/errors.js';
import type { CallOptions, ChatMessage, ModelClient, ModelReply } from '../../core/ports.js';

export type CacheMode = 'read-write' | 'frozen' | 'off';

export interface ResponseCacheOptions {
  /** Absolute path of `<project>/.ainative/cache`. */
  dir: string;
  /** off: pass through, store nothing; frozen: only the cache, a miss throws CacheMissError, never calls inner. */
  mode: CacheMode;
  model: string;
  promptVersion: string;
  /** The sampling our OpenAI adapter sends (temperature 0). */
  sampling: Record<string, number | string | boolean | null>;
}

/**
 * A ModelClient that answers from the source-controlled response cache when it can. Every reply it hands back
 * carries its entry's key (`cacheKey`), so whoever used the reply can say which entries to keep.
 */
export interface CachedModel extends ModelClient {
  /** Replies served from the cache. */
  readonly replayed: number;
  /** Replies the model gave in this build, held until `flush`. */
  readonly stored: number;
  /**
   * Writes the held replies whose keys are in `keep` (the replies of what turned green) and drops the rest, so a
   * later build asks the model again instead of replaying what failed. Until then replies live in memory: a build
   * stopped by a provider error, a refusal or Ctrl-C leaves no trace in the repo. Returns how many entries it wrote.
   */
  flush(keep: ReadonlySet<string>): Promise<number>;
}

/** A frozen build needed a reply the cache does not hold. */
export class CacheMissError extends AinativeError {
  readonly code = 'CACHE_MISS';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, EXIT.cacheMiss, options);
  }
}

/** One file `<dir>/<key[0..2]>/<key>.json`; no timestamps or request text, so re-creating it gives the same bytes. */
interface CacheEntry {
  key: string;
  model: string;
  promptVersion: string;
  reply: ModelReply;
}

type Lookup = { status: 'hit'; reply: ModelReply } | { status: 'miss' } | { status: 'corrupt'; reason: string };

const ENTRY_NAME = /^([0-9a-f]{64})\.json$/;
const SHARD_NAME = /^[0-9a-f]{2}$/;
const GITATTRIBUTES_LINE = '.ainative/cache/** linguist-generated=true -diff';

/** Wraps the model behind the response cache; `inner` is created only on a miss (so a fully cached build never loads the openai SDK). */
export function cachedModel(inner: () => Promise<ModelClient>, options: ResponseCacheOptions): CachedModel {
  return new ResponseCacheModel(lazily(inner), options);
}

class ResponseCacheModel implements CachedModel {
  replayed = 0;
  stored = 0;
  private readonly unwritten = new Map<string, CacheEntry>();
  // A second identical request while the first is in flight joins it, so both see the one reply that gets stored,
  // exactly as an offline rebuild will.
  private readonly inFlight = new Map<string, Promise<ModelReply>>();

  constructor(
    private readonly client: () => Promise<ModelClient>,
    private readonly options: ResponseCacheOptions,
  ) {}

  async complete(messages: ChatMessage[], call?: CallOptions & { sample?: number }): Promise<ModelReply> {
    if (this.options.mode === 'off') return (await this.client()).complete(messages, call);
    const key = this.keyOf(messages, call?.sample ?? 0);
    const joined = this.inFlight.get(key);
    if (joined) return this.replay(key, copyReply(await joined));
    // Registered before the first await, so a request arriving meanwhile finds it.
    const pending = this.lookUpOrAsk(key, messages, call).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, pending);
    return pending;
  }

  /**
   * Samples 1..count, each under the key `complete` gives that sample, so a replay (or `--frozen`) sees the same
   * candidates whether they came in one request or one by one. All held: replayed. Otherwise one request for all.
   */
  async completeMany(messages: ChatMessage[], count: number, call?: CallOptions): Promise<ModelReply[]> {
    const inner = async () => {
      const client = await this.client();
      return client.completeMany ? client.completeMany(messages, count, call) : [];
    };
    if (this.options.mode === 'off') return inner();
    const keys = Array.from({ length: count }, (_, i) => this.keyOf(messages, i + 1));
    const held: ModelReply[] = [];
    for (const key of keys) {
      const found = await this.find(key);
      if (found.status !== 'hit') {
        if (this.options.mode === 'frozen') throw missError(this.options.dir, key, found);
        break;
      }
      held.push(found.reply);
    }
    if (held.length === count) return held.map((reply, i) => this.replay(keys[i]!, reply));
    const replies = await inner();
    return replies.map((reply, i) => this.store(keys[i]!, reply));
  }

  async flush(keep: ReadonlySet<string>): Promise<number> {
    const entries = [...this.unwritten.values()].filter((entry) => keep.has(entry.key));
    this.unwritten.clear();
    for (const entry of entries) await writeEntry(this.options.dir, entry);
    return entries.length;
  }

  private async lookUpOrAsk(key: string, messages: ChatMessage[], call?: CallOptions & { sample?: number }): Promise<ModelReply> {
    const found = await this.find(key);
    if (found.status === 'hit') return this.replay(key, found.reply);
    if (this.options.mode === 'frozen') throw missError(this.options.dir, key, found);
    return this.store(key, await (await this.client()).complete(messages, call));
  }

  /** A usable reply held since this build got it, else the entry on disk. */
  private async find(key: string): Promise<Lookup> {
    const held = this.unwritten.get(key);
    // An unusable reply (cut, refused) is held only in case its build turns green; a retry in this build asks again.
    if (held && isUsable(held.reply)) return { status: 'hit', reply: copyReply(held.reply) };
    return readEntry(this.options.dir, key);
  }

  /** Each best-of-n candidate is its own exchange, replayed in the same order offline. */
  private keyOf(messages: ChatMessage[], sample: number): string {
    const { model, promptVersion } = this.options;
    const sampling = sample ? { ...this.options.sampling, sample } : this.options.sampling;
    return requestKey({ model, messages, sampling, promptVersion });
  }

  /**
   * Holds every reply until flush, unusable ones too: a build that turned green after a cut reply replays that
   * reply offline exactly as it went.
   */
  private store(key: string, reply: ModelReply): ModelReply {
    const { model, promptVersion } = this.options;
    this.unwritten.set(key, { key, model, promptVersion, reply: copyReply(reply) });
    this.stored += 1;
    return { ...reply, cacheKey: key };
  }

  private replay(key: string, reply: ModelReply): ModelReply {
    this.replayed += 1;
    return { ...reply, cacheKey: key };
  }
}

/** Deletes every entry whose key is not in `keep`, then the shard folders left empty. Other files are left alone. */
export async function pruneCache(dir: string, keep: ReadonlySet<string>): Promise<{ removed: number; kept: number; bytesFreed: number }> {
  const result = { removed: 0, kept: 0, bytesFreed: 0 };
  for (const shard of await listShards(dir)) {
    const shardDir = join(dir, shard);
    for (const { key, name } of await listEntries(shardDir)) {
      // An entry in the wrong shard can never be read, so it counts as unreferenced.
      if (keep.has(key) && key.startsWith(shard)) {
        result.kept += 1;
        continue;
      }
      const path = join(shardDir, name);
      result.bytesFreed += (await stat(path)).size;
      await rm(path, { force: true });
      result.removed += 1;
    }
    if ((await readdir(shardDir)).length === 0) await rmdir(shardDir);
  }
  return result;
}

/** How many entries the cache holds and their total size in bytes. */
export async function cacheStats(dir: string): Promise<{ entries: number; bytes: number }> {
  const stats = { entries: 0, bytes: 0 };
  for (const shard of await listShards(dir)) {
    for (const { name } of await listEntries(join(dir, shard))) {
      stats.entries += 1;
      stats.bytes += (await stat(join(dir, shard, name))).size;
    }
  }
  return stats;
}

/** Ensures `<root>/.gitattributes` marks the cache as generated (`.ainative/cache/** linguist-generated=true -diff`), appending one line if missing; returns whether it wrote. */
export async function ensureCacheGitattributes(root: string): Promise<boolean> {
  const path = join(root, '.gitattributes');
  const existing = (await readIfExists(path)) ?? '';
  const normalise = (line: string) => line.trim().split(/\s+/).join(' ');
  if (existing.split(/\r?\n/).some((line) => normalise(line) === GITATTRIBUTES_LINE)) return false;
  const eol = existing.includes('\r\n') ? '\r\n' : '\n';
  const separator = existing === '' || existing.endsWith('\n') ? '' : eol;
  await writeFileAtomic(path, `${existing}${separator}${GITATTRIBUTES_LINE}${eol}`);
  return true;
}

/** A reply a retry could not improve on: finished, not empty, not refused. */
function isUsable(reply: ModelReply): boolean {
  const finished = reply.finishReason === 'stop' || reply.finishReason === null;
  return finished && reply.content.trim() !== '' && !reply.refusal;
}

function entryPath(dir: string, key: string): string {
  return join(dir, key.slice(0, 2), `${key}.json`);
}

async function readEntry(dir: string, key: string): Promise<Lookup> {
  const text = await readIfExists(entryPath(dir, key));
  if (text === undefined) return { status: 'miss' };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { status: 'corrupt', reason: `not valid JSON (${(error as Error).message})` };
  }
  if (!isEntry(data)) return { status: 'corrupt', reason: 'not a cache entry' };
  if (data.key !== key) return { status: 'corrupt', reason: `it holds key ${data.key.slice(0, 12)}` };
  return { status: 'hit', reply: copyReply(data.reply) };
}

async function writeEntry(dir: string, entry: CacheEntry): Promise<void> {
  const path = entryPath(dir, entry.key);
  await mkdir(dirname(path), { recursive: true });
  const record = { ...entry, reply: copyReply(entry.reply) };
  await writeFileAtomic(path, `${JSON.stringify(sortKeys(record), null, 2)}\n`);
}

// Only the fields of ModelReply: whatever else a client attaches must not reach the file or change its bytes.
// `estimated` is written only when set, so entries of providers that report usage keep their bytes.
function copyReply(reply: ModelReply): ModelReply {
  const { content, finishReason, refusal, usage } = reply;
  return {
    content,
    finishReason,
    refusal,
    usage: { prompt: usage.prompt, completion: usage.completion, ...(usage.estimated ? { estimated: true } : {}) },
  };
}

function isEntry(value: unknown): value is CacheEntry {
  const entry = value as CacheEntry;
  if (typeof entry !== 'object' || entry === null || typeof entry.key !== 'string') return false;
  const reply = entry.reply as ModelReply | undefined;
  return (
    typeof reply === 'object' &&
    reply !== null &&
    typeof reply.content === 'string' &&
    (typeof reply.finishReason === 'string' || reply.finishReason === null) &&
    (typeof reply.refusal === 'string' || reply.refusal === null) &&
    typeof reply.usage?.prompt === 'number' &&
    typeof reply.usage?.completion === 'number'
  );
}

function missError(dir: string, key: string, found: Lookup): CacheMissError {
  if (found.status === 'corrupt') {
    return new CacheMissError(`cached reply ${entryPath(dir, key)} is corrupt (${found.reason}); run without --frozen to ask the model`);
  }
  return new CacheMissError(
    `no cached reply for this request in .ainative/cache (key ${key.slice(0, 12)}); run without --frozen to ask the model`,
  );
}

/** Creates the client on first use; a failed creation is retried on the next call. */
function lazily(create: () => Promise<ModelClient>): () => Promise<ModelClient> {
  let client: Promise<ModelClient> | undefined;
  return () => {
    client ??= create().catch((error: unknown) => {
      client = undefined;
      throw error;
    });
    return client;
  };
}

async function listShards(dir: string): Promise<string[]> {
  const names = await readdirIfExists(dir);
  return names.filter((name) => SHARD_NAME.test(name)).sort();
}

async function listEntries(shardDir: string): Promise<Array<{ key: string; name: string }>> {
  const names = (await readdirIfExists(shardDir)).sort();
  return names.flatMap((name) => {
    const match = ENTRY_NAME.exec(name);
    return match ? [{ key: match[1]!, name }] : [];
  });
}

async function readdirIfExists(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR')) return [];
    throw error;
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (isCode(error, 'ENOENT')) return undefined;
    throw error;
  }
}

function isCode(error: unknown, code: string): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === code;
}
