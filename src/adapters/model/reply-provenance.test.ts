import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { requestKey } from '../../core/model/cache-key.js';
import { runBuild, type BuildPorts } from '../../core/build/build.js';
import type { ChatMessage, ModelClient, ModelReply } from '../../core/ports.js';
import { TEST_TEMPLATES, codeReply, failingRun, makeIntent, passingRun } from '../../core/testing/fakes.js';
import { createMemoryLoop, memoryBuildPorts } from '../../core/testing/memory-loop.js';
import { cacheStats, cachedModel } from './response-cache.js';

const OPTIONS = { mode: 'read-write' as const, model: 'gpt-test', promptVersion: 'p1', sampling: { temperature: 0 } };
const INTENTS = Array.from({ length: 8 }, (_, i) => makeIntent(`i${i}`));

let dir: string;
beforeEach(async () => {
  dir = join(await mkdtemp(join(os.tmpdir(), 'ainative provenance ')), '.ainative', 'cache');
});
afterEach(async () => {
  await rm(join(dir, '..', '..'), { recursive: true, force: true });
});

/**
 * A model that holds the first requests until `firstBatch` of them are out at once (it never answers if the intents
 * are not built side by side), and later ones until the event loop turns, then answers the held ones in reverse
 * order, so the intents built in parallel interleave. Even intents get it wrong once; i7 never gets it right.
 * It records the cache key of every request it answered, per intent.
 */
function interleavingModel(firstBatch: number) {
  const keys = new Map<string, string[]>();
  const held: Array<() => void> = [];
  const batches: number[] = [];
  const release = () => {
    batches.push(held.length);
    for (const answerHeld of held.splice(0).reverse()) answerHeld();
  };
  const answer = (messages: ChatMessage[]): ModelReply => {
    const id = /Write src\/(i\d)\.ts/.exec(messages[1]?.content ?? '')?.[1] ?? '';
    keys.set(id, [
      ...(keys.get(id) ?? []),
      requestKey({ model: OPTIONS.model, messages, sampling: OPTIONS.sampling, promptVersion: OPTIONS.promptVersion }),
    ]);
    const retry = messages.length > 2;
    const right = id !== 'i7' && (retry || Number(id.slice(1)) % 2 === 1);
    return codeReply(`src/${id}.ts`, `export const ${id} = 1;${right ? ' // works' : ''}`);
  };
  const model: ModelClient = {
    complete: (messages) =>
      new Promise((resolve) => {
        held.push(() => resolve(answer(messages)));
        if (batches.length === 0) {
          if (held.length === firstBatch) release();
          return;
        }
        if (held.length === 1) setImmediate(release);
      }),
  };
  return { model, keys, batches };
}

/** A build over the intents' tests in memory, with `model`; a module passes its test when it `// works`. */
function ports(model: ModelClient): BuildPorts {
  const loop = createMemoryLoop({
    files: Object.fromEntries(INTENTS.map((intent) => [intent.tests[0]!, `${intent.id} test`])),
    judge: (repo, { files, changed }) =>
      repo.get(changed[0]!)?.includes('// works')
        ? passingRun(1)
        : failingRun([{ name: 'works', file: files[0]!, message: 'expected 0 to be 1' }]),
    protectedPaths: [],
  });
  return memoryBuildPorts({ ...loop, model }).ports;
}

it('records in each lock entry exactly the cache keys of its own replies when intents are built four at a time', async () => {
  const inner = interleavingModel(4);
  const cache = cachedModel(async () => inner.model, { dir, ...OPTIONS });
  const result = await runBuild(
    {
      intents: INTENTS,
      lock: undefined,
      templates: TEST_TEMPLATES,
      promptHash: 'p1',
      model: OPTIONS.model,
      maxAttempts: 2,
      force: false,
      concurrency: 4,
      guardOverwrite: async () => undefined,
    },
    ports(cache),
  );

  // Four requests were out at once: the intents really were built side by side.
  expect(Math.max(...inner.batches)).toBe(4);
  expect(result.modules.map((module) => `${module.id}:${module.status}:${module.attempts}`)).toEqual([
    'i0:built:2',
    'i1:built:1',
    'i2:built:2',
    'i3:built:1',
    'i4:built:2',
    'i5:built:1',
    'i6:built:2',
    'i7:failed:2',
  ]);
  for (const intent of INTENTS.slice(0, 7)) {
    expect(inner.keys.get(intent.id)).toHaveLength(intent.id.endsWith('1') || intent.id.endsWith('3') || intent.id.endsWith('5') ? 1 : 2);
    expect(result.lock.intents[intent.id]!.output.replies, intent.id).toEqual(inner.keys.get(intent.id));
  }
  expect(result.lock.intents.i7).toBeUndefined();

  // What the lock references is what the cache writes; the red intent's replies are dropped.
  const keep = new Set(Object.values(result.lock.intents).flatMap((entry) => entry.output.replies ?? []));
  expect(keep.size).toBe(11);
  expect(await cache.flush(keep)).toBe(11);
  expect((await cacheStats(dir)).entries).toBe(11);
});
