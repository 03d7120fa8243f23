import { join } from 'node:path';
import { redactingModel } from '../core/model/redacting-model.js';
import { createOpenAiModel, SAMPLING } from '../adapters/model/openai-model.js';
import { cachedModel, type CachedModel } from '../adapters/model/response-cache.js';
import type { Project } from './project.js';
import type { ProviderRequests } from './build.js';

/**
 * The model a build asks: the response cache in front of the provider, redacting on both sides of it, counting
 * every HTTP request the provider gets in `requests`. Redaction outside the cache keeps secrets out of cache keys (so CI, with other secrets, still hits); redaction
 * inside it keeps them out of the stored replies. The provider client is created only on a cache miss.
 */
export function modelChain(
  project: Project,
  promptHash: string,
  redact: (text: string) => string,
  requests: ProviderRequests,
): CachedModel {
  const onRequest = ({ retry }: { retry: boolean }) => {
    requests.total += 1;
    if (retry) requests.retries += 1;
  };
  const cache = cachedModel(async () => redactingModel(createOpenAiModel({ ...project.config, onRequest }), redact), {
    dir: join(project.root, '.ainative', 'cache'),
    mode: project.config.cache,
    model: project.config.model,
    promptVersion: promptHash,
    sampling: { ...SAMPLING },
  });
  const outer = redactingModel(cache, redact);
  const many = outer.completeMany?.bind(outer);
  return {
    complete: (messages, options) => outer.complete(messages, options),
    completeMany: async (messages, count, options) => (many ? many(messages, count, options) : []),
    get replayed() {
      return cache.replayed;
    },
    get stored() {
      return cache.stored;
    },
    flush: (keep) => cache.flush(keep),
  };
}
