// Pure builders for the bodies the fake model server sends: chat completions, stream chunks and error objects,
// shaped like the real OpenAI API so the openai SDK accepts them unchanged.
import type { FakeRequest, FakeStreamError, FakeUsage } from './fake-model-server.js';

/** Characters per streamed content chunk: small enough that every reply really arrives in pieces. */
const CHUNK_CHARS = 20;

/** Fields shared by every completion and chunk of one request. */
export interface CompletionMeta {
  id: string;
  created: number;
  model: string;
  n: number;
}

/** The OpenAI `usage` object, with total_tokens derived. */
export interface WireUsage extends FakeUsage {
  total_tokens: number;
}

/** Per-request constants: id, timestamp, echoed model and number of choices (1 when the server ignores `n`). */
export function metaFor(req: FakeRequest, ignoresN = false): CompletionMeta {
  const n = !ignoresN && Number.isInteger(req.body?.n) && req.body.n > 1 ? req.body.n : 1;
  const model = typeof req.body?.model === 'string' ? req.body.model : 'fake-model';
  return { id: `chatcmpl-fake${req.index}`, created: Math.floor(req.startedAt / 1000), model, n };
}

/** Scripted usage, or the 4-characters-per-token estimate over the prompt and the n generated texts. */
export function usageFor(req: FakeRequest, text: string, n: number, scripted?: FakeUsage): WireUsage {
  const prompt = scripted?.prompt_tokens ?? Math.ceil(promptChars(req.body?.messages) / 4);
  const completion = scripted?.completion_tokens ?? Math.max(1, Math.ceil(text.length / 4)) * n;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** Counts string contents and the text of content parts, which is what the real tokenizer mostly sees. */
function promptChars(messages: unknown): number {
  if (!Array.isArray(messages)) return 0;
  let chars = 0;
  for (const m of messages) {
    const content = (m as { content?: unknown } | null)?.content;
    if (typeof content === 'string') chars += content.length;
    else if (Array.isArray(content)) {
      for (const part of content) if (typeof part?.text === 'string') chars += part.text.length;
    }
  }
  return chars;
}

/** A non-streamed `chat.completion` with the same message in each of the n choices. */
export function completionBody(
  meta: CompletionMeta,
  message: { content: string | null; refusal: string | null },
  finishReason: string,
  usage: WireUsage,
): object {
  const choices = Array.from({ length: meta.n }, (_, index) => ({
    index,
    message: { role: 'assistant', ...message },
    logprobs: null,
    finish_reason: finishReason,
  }));
  return { ...header(meta, 'chat.completion'), choices, usage };
}

/** One `chat.completion.chunk` carrying the same delta for every choice; `usage: null` mirrors include_usage. */
export function chunkBody(meta: CompletionMeta, delta: object, finishReason: string | null, withUsage: boolean): object {
  const choices = Array.from({ length: meta.n }, (_, index) => ({
    index,
    delta,
    logprobs: null,
    finish_reason: finishReason,
  }));
  return { ...header(meta, 'chat.completion.chunk'), choices, ...(withUsage ? { usage: null } : {}) };
}

/** A non-streamed `chat.completion` with a different text in each choice. */
export function choicesBody(meta: CompletionMeta, texts: string[], usage: WireUsage): object {
  const choices = texts.map((content, index) => ({
    index,
    message: { role: 'assistant', content, refusal: null },
    logprobs: null,
    finish_reason: 'stop',
  }));
  return { ...header(meta, 'chat.completion'), choices, usage };
}

/** One `chat.completion.chunk` for a single choice, as the API interleaves the choices of an `n` > 1 stream. */
export function choiceChunkBody(
  meta: CompletionMeta,
  index: number,
  delta: object,
  finishReason: string | null,
  withUsage: boolean,
): object {
  return {
    ...header(meta, 'chat.completion.chunk'),
    choices: [{ index, delta, logprobs: null, finish_reason: finishReason }],
    ...(withUsage ? { usage: null } : {}),
  };
}

/** The trailing chunk the API sends when `stream_options.include_usage` is set. */
export function usageChunkBody(meta: CompletionMeta, usage: WireUsage): object {
  return { ...header(meta, 'chat.completion.chunk'), choices: [], usage };
}

function header(meta: CompletionMeta, object: string): object {
  return { id: meta.id, object, created: meta.created, model: meta.model, system_fingerprint: 'fp_fake' };
}

/** Splits on code points so a streamed emoji is never torn into lone surrogates. */
export function splitPieces(text: string, size = CHUNK_CHARS): string[] {
  const points = Array.from(text);
  const pieces: string[] = [];
  for (let i = 0; i < points.length; i += size) pieces.push(points.slice(i, i + size).join(''));
  return pieces;
}

/** The first n code points of text. */
export function firstChars(text: string, n: number): string {
  return Array.from(text).slice(0, Math.max(0, n)).join('');
}

/** One server-sent event; every line of a multi-line payload gets its own `data:` prefix. */
export function sseEvent(data: string): string {
  const lines = data.split('\n').map((line) => `data: ${line}`);
  return `${lines.join('\n')}\n\n`;
}

/** Default error type, code and message per HTTP status, as the real API reports them. */
function errorDefaults(status: number): { type: string; code: string | null; message: string } {
  if (status === 401) return { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' };
  if (status === 429) return { type: 'rate_limit_error', code: 'rate_limit_exceeded', message: 'Rate limit reached.' };
  if (status >= 500) return { type: 'server_error', code: null, message: 'The server had an error while processing your request.' };
  return { type: 'invalid_request_error', code: null, message: `Request failed with status ${status}.` };
}

/** The `{ error: { message, type, param, code } }` body; an explicit `code: null` in the script is kept. */
export function errorBody(status: number, error?: { message: string; type?: string; code?: string | null }): object {
  const d = errorDefaults(status);
  const code = error && 'code' in error ? (error.code ?? null) : d.code;
  return { error: { message: error?.message ?? d.message, type: error?.type ?? d.type, param: null, code } };
}

/**
 * The `data:` payload of an error event inside a 200 stream, as each server writes it: vLLM's
 * `create_streaming_error_response` (`ErrorResponse` under `error`, numeric code, `BadRequestError` by default) and
 * LiteLLM's proxy (`ProxyException.to_dict()` under `error`: code a string, type and param "None" when unknown).
 */
export function streamErrorBody(from: 'vllm' | 'litellm', error: FakeStreamError): object {
  if (from === 'litellm') {
    return { error: { message: error.message, type: error.type ?? 'None', param: error.param ?? 'None', code: String(error.code ?? 500) } };
  }
  return { error: { message: error.message, type: error.type ?? 'BadRequestError', param: error.param ?? null, code: error.code ?? 400 } };
}
