import type { ModelClient } from './ports.js';

/** Wraps a model so that no message leaves the machine, and no reply is kept, before `redact` has cleaned it. */
export function redactingModel(inner: ModelClient, redact: (text: string) => string): ModelClient {
  return {
    async complete(messages, options) {
      const reply = await inner.complete(messages.map((message) => ({ ...message, content: redact(message.content) })), options);
      return { ...reply, content: redact(reply.content), refusal: reply.refusal === null ? null : redact(reply.refusal) };
    },
  };
}
