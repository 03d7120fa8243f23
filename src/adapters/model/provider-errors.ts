// The SDK's error classes alone: a small module, so loading it does not load the client.
import { APIConnectionError, APIConnectionTimeoutError } from 'openai/core/error';
import { ProviderError } from '../../core/errors.js';

/** Where the openai SDK sends requests when no base URL is configured. */
const DEFAULT_BASE_URL = 'https://api.openai.com/v1';

const V1_HINT = 'OpenAI-compatible servers usually serve under /v1';

/** What a request failed against: the model asked for and the base URL it went to (undefined: OpenAI's). */
export interface ProviderTarget {
  model: string;
  baseUrl: string | undefined;
}

/**
 * The SDK's error for an `error` event inside a 200 stream (vLLM, LiteLLM and others send one when generation fails
 * after the response started): an APIError carrying the event's body and no HTTP status. A connection error has no
 * body, and a dropped stream is a plain TypeError.
 */
export function isStreamErrorEvent(error: unknown): boolean {
  const candidate = error as { status?: unknown; error?: unknown } | null;
  return typeof candidate === 'object' && candidate !== null && candidate.status === undefined && candidate.error != null;
}

/** The provider's own message from an error event inside the stream, with its type and code when they say something. */
export function streamErrorEventError(error: unknown): ProviderError {
  const body = (error as { error: unknown }).error;
  const fields = typeof body === 'object' && body !== null ? (body as { message?: unknown; type?: unknown; code?: unknown }) : {};
  const message = firstLine(typeof fields.message === 'string' ? fields.message : JSON.stringify(fields.message ?? body));
  const details = [
    meaningful(fields.type) && `type ${String(fields.type)}`,
    meaningful(fields.code) && `code ${String(fields.code)}`,
  ].filter(Boolean);
  const suffix = details.length > 0 ? ` (${details.join(', ')})` : '';
  return new ProviderError(`model provider reported an error inside its reply stream: ${message}${suffix}`, { cause: error });
}

/** A failed request as one line: the provider's message, and the base URL with a /v1 hint where the URL is the likely cause. */
export function toProviderError(error: unknown, target: ProviderTarget): ProviderError {
  const apiError = error as { status?: number; code?: string | null; message?: string };
  // The SDK starts its messages with the status, which every line below already names.
  const detail = firstLine(apiError.message ?? String(error)).replace(/^\d{3} /, '');
  const base = displayUrl(target.baseUrl ?? DEFAULT_BASE_URL);
  if (apiError.status === 401 || apiError.status === 403)
    return new ProviderError(`model provider refused the API key (${apiError.status}): ${detail}`, { cause: error });
  if (apiError.code === 'insufficient_quota')
    return new ProviderError(`model provider: quota exhausted (insufficient_quota): ${detail}`, { cause: error });
  if (apiError.status === 404) {
    const hint = lacksVersion(base) ? ` — ${V1_HINT} (try ${base}/v1)` : '';
    return new ProviderError(`model provider at ${base}: model '${target.model}' or endpoint not found (404): ${detail}${hint}`, {
      cause: error,
    });
  }
  if (apiError.status) return new ProviderError(`model provider answered ${apiError.status} after retries: ${detail}`, { cause: error });
  if (error instanceof APIConnectionError) {
    const { reason, question } = connectionFailure(error);
    const hint = lacksVersion(base) ? ` ${V1_HINT}` : '';
    return new ProviderError(`cannot reach ${base} (${reason}) — ${question}${hint}`, { cause: error });
  }
  return new ProviderError(`model provider at ${base}: unreachable or broken reply: ${detail}`, { cause: error });
}

/** Why a connection failed, in words, from the system error code undici wraps (maybe twice) under the SDK's error. */
function connectionFailure(error: unknown): { reason: string; question: string } {
  if (error instanceof APIConnectionTimeoutError)
    return { reason: 'timed out', question: 'is the server up, and is requestTimeoutMs long enough?' };
  const code = systemErrorCode(error);
  if (code === 'ECONNREFUSED') return { reason: 'connection refused', question: 'is the server running?' };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { reason: 'host not found', question: 'is the host name right?' };
  if (code === 'ECONNRESET')
    return { reason: 'connection reset', question: 'is the server running, and does it speak plain HTTP on that port?' };
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT')
    return { reason: 'connection timed out', question: 'is the server up and reachable from here?' };
  const innermost = innermostMessage(error);
  return { reason: code ? `${code}: ${innermost}` : innermost, question: 'is the server running, and is the URL right?' };
}

function systemErrorCode(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown; errors?: Array<{ code?: unknown }> } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'string' && /^E|^UND_ERR/.test(e.code)) return e.code;
    const inner = e.errors?.find((one) => typeof one?.code === 'string')?.code;
    if (typeof inner === 'string') return inner;
  }
  return undefined;
}

function innermostMessage(error: unknown): string {
  let e = error as { message?: string; cause?: unknown };
  while (e.cause && typeof e.cause === 'object') e = e.cause as typeof e;
  return firstLine(e.message ?? String(e));
}

/** True when the URL's path has no version segment (`/v1`, `/v1beta`, `/api/v2`): the usual cause of a 404 from a local server. */
function lacksVersion(url: string): boolean {
  try {
    return !/\/v\d+[a-z]*(?:\/|$)/i.test(new URL(url).pathname);
  } catch {
    return false;
  }
}

/** The base URL as the user wrote it, without a trailing slash. */
function displayUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

/** A type or code worth showing: not empty, not the null-ish placeholders some servers fill in. */
function meaningful(value: unknown): boolean {
  return (typeof value === 'string' || typeof value === 'number') && !['', 'None', 'null', 'undefined'].includes(String(value));
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ?? text
  );
}
