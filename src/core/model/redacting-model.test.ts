import { describe, expect, it } from 'vitest';
import type { ChatMessage, ModelClient, ModelReply } from '../ports.js';
import { redactingModel } from './redacting-model.js';

const SECRET = 'sk-live-123456';
const redact = (text: string) => text.replaceAll(SECRET, '[redacted]');
const reply = (content: string): ModelReply => ({ content, finishReason: 'stop', refusal: null, usage: { prompt: 1, completion: 1 } });

/** Records what it was sent and echoes the secret back in its replies. */
class EchoModel implements ModelClient {
  sent: ChatMessage[][] = [];
  async complete(messages: ChatMessage[]): Promise<ModelReply> {
    this.sent.push(messages);
    return reply(`saw ${SECRET}`);
  }
  async completeMany(messages: ChatMessage[], count: number): Promise<ModelReply[]> {
    this.sent.push(messages);
    return Array.from({ length: count }, () => reply(`saw ${SECRET}`));
  }
}

describe('redactingModel', () => {
  it('cleans what is sent and what comes back, one candidate or several per request', async () => {
    const inner = new EchoModel();
    const model = redactingModel(inner, redact);
    const ask = [{ role: 'user' as const, content: `the key is ${SECRET}` }];
    expect((await model.complete(ask)).content).toBe('saw [redacted]');
    expect((await model.completeMany!(ask, 2)).map((r) => r.content)).toEqual(['saw [redacted]', 'saw [redacted]']);
    expect(JSON.stringify(inner.sent)).not.toContain(SECRET);
    expect(inner.sent).toHaveLength(2);
  });

  it('offers several candidates per request only when the model it wraps does', () => {
    const single: ModelClient = { complete: async () => reply('x') };
    expect(redactingModel(single, redact).completeMany).toBeUndefined();
  });
});
