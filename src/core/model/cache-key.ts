import { sha256, sortKeys } from '../project/lock.js';
import type { ChatMessage } from '../ports.js';

/** Everything that decides what the model answers: the key of a cached reply is derived from exactly this. */
export interface CacheableRequest {
  model: string;
  messages: ChatMessage[];
  sampling: Record<string, number | string | boolean | null>;
  promptVersion: string;
}

/** sha256 hex of the normalised request: sorted keys, CRLF→LF in message contents, trailing whitespace per message trimmed; nothing else changed. */
export function requestKey(request: CacheableRequest): string {
  return sha256(JSON.stringify(sortKeys(normaliseRequest(request))));
}

// A checkout on Windows (core.autocrlf) or an editor adding a final newline must not turn every entry into a miss;
// anything more (collapsing inner whitespace, case) could make two different prompts share one reply.
function normaliseRequest(request: CacheableRequest): CacheableRequest {
  const messages = request.messages.map((message) => ({
    ...message,
    content: message.content.replace(/\r\n/g, '\n').trimEnd(),
  }));
  return { ...request, messages };
}
