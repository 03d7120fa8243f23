import { getMaxListeners, setMaxListeners } from 'node:events';
import type OpenAI from 'openai';
import { InputError, ProviderError } from '../../core/errors.js';
import type { CallOptions, ChatMessage, ModelClient, ModelReply } from '../../core/ports.js';
import { isStreamErrorEvent, streamErrorEventError, toProviderError, type ProviderTarget } from './provider-errors.js';
import { estimateUsage, streamedTokenCounter } from './token-count.js';

/** Sampling parameters sent with every request (part of the response-cache key). */
export const SAMPLING = { temperature: 0 } as const;
/** Extra best-of-n candidates need some randomness to differ from the first. */
const SAMPLE_SAMPLING = { temperature: 0.8 } as const;

export interface OpenAiModelOptions {
  model: string;
  apiKey: string | undefined;
  baseUrl: string | undefined;
  requestTimeoutMs: number;
  /** Retries of 408/409/429/5xx and connection errors, done by the SDK (honours retry-after). */
  maxRetries?: number;
  /** Called for every HTTP request sent to the provider, the SDK's retries included (`retry` true for those). */
  onRequest?: (request: { retry: boolean }) => void;
}

/** A ModelClient over any OpenAI-compatible chat-completions endpoint, streaming with usage. */
export function createOpenAiModel(options: OpenAiModelOptions): ModelClient {
  let client: Promise<OpenAI> | undefined;
  /** Set once the provider refused `n` or answered one choice where more were asked for: ask one by one from then on. */
  let nUnsupported = false;
  const connect = (signal: AbortSignal | undefined): Promise<OpenAI> => {
    client ??= createClient(options);
    // One build signal is shared by every request in flight (--concurrency, --samples), and the SDK adds an abort
    // listener per request: more than Node's default of 10 is expected here, not a leak worth a warning on stderr.
    if (signal && getMaxListeners(signal) < 100) setMaxListeners(100, signal);
    return client;
  };
  return {
    async complete(messages, { sample, ...call } = {}) {
      const [reply] = await streamCompletion(await connect(call.signal), options, messages, call, sample ? SAMPLE_SAMPLING : SAMPLING, 1);
      return reply!;
    },
    async completeMany(messages, count, call = {}) {
      if (nUnsupported || count < 1) return [];
      const connected = await connect(call.signal);
      let replies: ModelReply[];
      try {
        replies = await streamCompletion(connected, options, messages, call, SAMPLE_SAMPLING, count);
      } catch (error) {
        if (!refusesN(error)) throw error;
        nUnsupported = true;
        return [];
      }
      if (replies.length < count) nUnsupported = true;
      return replies;
    },
  };
}

/** A 400 that names the `n` parameter: the provider does not support several choices per request. */
function refusesN(error: unknown): boolean {
  const cause = (error as { cause?: { status?: number; param?: string | null; message?: string } }).cause;
  if (cause?.status !== 400) return false;
  return cause.param === 'n' || /\bn\b|choices|multiple/i.test(cause.message ?? '');
}

async function createClient(options: OpenAiModelOptions): Promise<OpenAI> {
  if (!options.apiKey && !options.baseUrl) {
    throw new ProviderError('OPENAI_API_KEY is not set (set it, or OPENAI_BASE_URL for a local OpenAI-compatible server)');
  }
  if (options.baseUrl !== undefined && !isHttpUrl(options.baseUrl)) {
    throw new InputError(
      `base URL '${options.baseUrl}' (OPENAI_BASE_URL or baseUrl in ainative.config.json) is not an http(s) URL, e.g. http://127.0.0.1:11434/v1`,
    );
  }
  // Loaded here, not at the top, so builds with nothing stale never pay for importing the SDK.
  const { default: OpenAIClient } = await import('openai');
  return new OpenAIClient({
    apiKey: options.apiKey ?? 'not-needed',
    baseURL: options.baseUrl,
    timeout: options.requestTimeoutMs,
    maxRetries: options.maxRetries ?? 3,
    fetch: (url, init) => {
      options.onRequest?.({ retry: retryCount(init) > 0 });
      return noRetryOnQuota(url, init);
    },
  });
}

/** The SDK numbers its tries of one request in this header: 0 for the first, 1 for the first retry, ... */
function retryCount(init: RequestInit | undefined): number {
  return Number(new Headers(init?.headers).get('x-stainless-retry-count') ?? 0) || 0;
}

function isHttpUrl(text: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}

/** A 429 for an exhausted quota will not clear by waiting: tell the SDK not to retry it. */
async function noRetryOnQuota(url: string | URL | Request, init?: RequestInit): Promise<Response> {
  const response = await fetch(url, init);
  if (response.status !== 429) return response;
  const body = await response.text();
  const headers = new Headers(response.headers);
  if (body.includes('insufficient_quota')) headers.set('x-should-retry', 'false');
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

/** One streamed request for `n` choices; a reply per choice that came back (in choice order), at least one. */
async function streamCompletion(
  client: OpenAI,
  target: ProviderTarget,
  messages: ChatMessage[],
  { signal, onStream }: CallOptions,
  sampling: { temperature: number },
  n: number,
): Promise<ModelReply[]> {
  const choices = new Map<number, { content: string; refusal: string; finishReason: string | null }>();
  const choice = (index: number) => {
    let found = choices.get(index);
    if (!found) {
      found = { content: '', refusal: '', finishReason: null };
      choices.set(index, found);
    }
    return found;
  };
  let usage: { prompt_tokens: number; completion_tokens: number } | undefined;
  let stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>;
  try {
    stream = await client.chat.completions.create(
      { model: target.model, messages, stream: true, stream_options: { include_usage: true }, ...sampling, ...(n > 1 ? { n } : {}) },
      { signal },
    );
  } catch (error) {
    if (signal?.aborted) throw error;
    throw toProviderError(error, target);
  }
  let cut = false;
  const streamed = onStream && streamedTokenCounter(onStream);
  try {
    for await (const chunk of stream) {
      if (chunk.usage) usage = chunk.usage;
      for (const delta of chunk.choices ?? []) {
        const into = choice(delta.index ?? 0);
        into.content += delta.delta?.content ?? '';
        streamed?.add(delta.delta?.content ?? '');
        into.refusal += delta.delta?.refusal ?? '';
        into.finishReason = delta.finish_reason ?? into.finishReason;
      }
    }
  } catch (error) {
    if (signal?.aborted) throw error;
    // The provider said why it stopped: the same request would fail again, so this ends the run with its message.
    if (isStreamErrorEvent(error)) throw streamErrorEventError(error);
    // The stream broke after it started: unusable replies, never written; the loop retries within its budget.
    cut = true;
  }
  const ordered = [...choices.entries()].sort(([a], [b]) => a - b).map(([, value]) => value);
  if (ordered.length === 0) ordered.push({ content: '', refusal: '', finishReason: null });
  // Without the provider's usage the tokens are counted here, so budgets and cost still mean something.
  const total = usage
    ? { prompt: usage.prompt_tokens, completion: usage.completion_tokens }
    : await estimateUsage(
        messages,
        ordered.map((one) => one.content + one.refusal),
      );
  // The request's usage belongs to the first reply: summing the replies' usage gives the request's, not n times it.
  return ordered.map((one, i) => ({
    content: one.content,
    finishReason: cut ? 'cut' : (one.finishReason ?? 'stop'),
    refusal: one.refusal || null,
    usage: i === 0 ? total : { prompt: 0, completion: 0 },
  }));
}
