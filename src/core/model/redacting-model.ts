import type { ChatMessage, ModelClient, ModelReply } from '../ports.js';

/** Wraps a model so that no message leaves the machine, and no reply is kept, before `redact` has cleaned it. */
export function redactingModel(inner: ModelClient, redact: (text: string) => string): ModelClient {
  const clean = (messages: ChatMessage[]) => messages.map((message) => ({ ...message, content: redact(message.content) }));
  const cleanReply = (reply: ModelReply): ModelReply => ({
    ...reply,
    content: redact(reply.content),
    refusal: reply.refusal === null ? null : redact(reply.refusal),
  });
  const wrapped: ModelClient = {
    async complete(messages, options) {
      return cleanReply(await inner.complete(clean(messages), options));
    },
  };
  if (inner.completeMany) {
    const many = inner.completeMany.bind(inner);
    wrapped.completeMany = async (messages, count, options) => (await many(clean(messages), count, options)).map(cleanReply);
  }
  return wrapped;
}
