import type { ChatMessage } from '../ports.js';

/**
 * Characters per token in ainative's estimate: close to what OpenAI's tokenizers give for English and code, and
 * what the usage figures fall back to when a server sends none, so limits and budgets count alike.
 */
const CHARS_PER_TOKEN = 4;

/** Estimated tokens of a text. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** Estimated prompt tokens of a chat: the text of every message. */
export function estimateMessageTokens(messages: readonly ChatMessage[]): number {
  return estimateTokens(messages.map((message) => message.content).join(''));
}
