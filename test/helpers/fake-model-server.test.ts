// The fake server is only useful if the real openai SDK accepts it as the real API, so every test drives it through
// `new OpenAI(...)` over real HTTP; only header and wire-format checks use bare fetch.
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { codeReply, startFakeModelServer, type FakeModelServer, type FakeModelServerOptions } from './fake-model-server.js';

let server: FakeModelServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: FakeModelServerOptions): Promise<FakeModelServer> {
  server = await startFakeModelServer(options);
  return server;
}

/** A client that never retries unless asked, and stays quiet about the bodies we break on purpose. */
function client(s: FakeModelServer, maxRetries = 0): OpenAI {
  return new OpenAI({ apiKey: 'test', baseURL: s.baseUrl, maxRetries, logLevel: 'off' });
}

const user = (content: string) => [{ role: 'user' as const, content }];

/** Drains a stream, keeping the text, the last finish_reason and the usage chunk. */
async function drain(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>) {
  let content = '';
  let refusal = '';
  let finish: string | null = null;
  let usage: OpenAI.CompletionUsage | null | undefined;
  let chunks = 0;
  for await (const chunk of stream) {
    chunks += 1;
    const choice = chunk.choices[0];
    content += choice?.delta.content ?? '';
    refusal += choice?.delta.refusal ?? '';
    finish = choice?.finish_reason ?? finish;
    usage = chunk.usage ?? usage;
  }
  return { content, refusal, finish, usage, chunks };
}

/** Runs the promise and returns what it threw; fails the test if it did not throw. */
async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

const longText = codeReply('src/a.ts', 'export const answer = 42;\nexport const question = "unknown";\n');

describe('fake model server', () => {
  it('answers a non-stream request with content, default usage and finish_reason stop', async () => {
    const s = await start({ replies: [{ content: 'hello world' }] });
    const res = await client(s).chat.completions.create({ model: 'gpt-test', messages: user('12345678') });
    expect(res.object).toBe('chat.completion');
    expect(res.id).toMatch(/^chatcmpl-/);
    expect(res.model).toBe('gpt-test');
    expect(res.choices[0].message).toEqual({ role: 'assistant', content: 'hello world', refusal: null });
    expect(res.choices[0].finish_reason).toBe('stop');
    // 8 prompt chars -> 2 tokens, 11 completion chars -> 3 tokens.
    expect(res.usage).toEqual({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
  });

  it('returns scripted usage, length and content_filter finish reasons, and n choices', async () => {
    const s = await start({
      replies: [
        { content: 'trunc', finishReason: 'length', usage: { prompt_tokens: 100, completion_tokens: 7 } },
        { content: '', finishReason: 'content_filter' },
        { content: 'same' },
      ],
    });
    const c = client(s);
    const a = await c.chat.completions.create({ model: 'm', messages: user('x') });
    expect(a.choices[0].finish_reason).toBe('length');
    expect(a.usage).toEqual({ prompt_tokens: 100, completion_tokens: 7, total_tokens: 107 });
    const b = await c.chat.completions.create({ model: 'm', messages: user('x') });
    expect(b.choices[0].finish_reason).toBe('content_filter');
    const n = await c.chat.completions.create({ model: 'm', messages: user('x'), n: 3 });
    expect(n.choices.map((ch) => [ch.index, ch.message.content])).toEqual([
      [0, 'same'],
      [1, 'same'],
      [2, 'same'],
    ]);
  });

  it('streams the exact content in several chunks and sends usage when include_usage is set', async () => {
    const s = await start({ replies: [{ content: longText, usage: { prompt_tokens: 9, completion_tokens: 21 } }] });
    const stream = await client(s).chat.completions.create({
      model: 'm',
      messages: user('hi'),
      stream: true,
      stream_options: { include_usage: true },
    });
    const got = await drain(stream);
    expect(got.content).toBe(longText);
    expect(got.finish).toBe('stop');
    expect(got.usage).toEqual({ prompt_tokens: 9, completion_tokens: 21, total_tokens: 30 });
    // role chunk + >= 4 content chunks + finish chunk + usage chunk
    expect(got.chunks).toBeGreaterThanOrEqual(7);
  });

  it('gives each of n choices its own text, streamed and not, and one choice when it ignores n', async () => {
    const s = await start({ respond: () => ({ choices: ['first', 'second', 'third'] }) });
    const c = client(s);
    const plain = await c.chat.completions.create({ model: 'm', messages: user('x'), n: 3 });
    expect(plain.choices.map((choice) => [choice.index, choice.message.content])).toEqual([
      [0, 'first'],
      [1, 'second'],
      [2, 'third'],
    ]);
    const texts = new Map<number, string>();
    let usage: OpenAI.CompletionUsage | null | undefined;
    const stream = await c.chat.completions.create({
      model: 'm',
      messages: user('x'),
      n: 2,
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const chunk of stream) {
      for (const choice of chunk.choices) texts.set(choice.index, (texts.get(choice.index) ?? '') + (choice.delta.content ?? ''));
      usage = chunk.usage ?? usage;
    }
    expect([...texts.entries()]).toEqual([
      [0, 'first'],
      [1, 'second'],
    ]);
    expect(usage?.completion_tokens).toBe(Math.ceil('firstsecond'.length / 4));
    await s.close();
    const ignoring = await start({ ignoresN: true, respond: () => ({ choices: ['only', 'never'] }) });
    const one = await client(ignoring).chat.completions.create({ model: 'm', messages: user('x'), n: 2 });
    expect(one.choices.map((choice) => choice.message.content)).toEqual(['only']);
  });

  it('streams without a usage chunk when include_usage is not set', async () => {
    const s = await start({ replies: [{ content: 'short' }] });
    const got = await drain(await client(s).chat.completions.create({ model: 'm', messages: user('hi'), stream: true }));
    expect(got).toMatchObject({ content: 'short', finish: 'stop', usage: undefined });
  });

  it('records every chat request with its messages, headers and timing', async () => {
    const s = await start({ replies: [{ content: 'a' }, { content: 'b' }] });
    const c = client(s);
    await c.chat.completions.create({ model: 'm1', messages: [{ role: 'system', content: 'sys' }, ...user('first')] });
    await drain(await c.chat.completions.create({ model: 'm2', messages: user('second'), stream: true }));
    expect(s.requests.map((r) => [r.index, r.method, r.path, r.stream, r.body.model])).toEqual([
      [0, 'POST', '/v1/chat/completions', false, 'm1'],
      [1, 'POST', '/v1/chat/completions', true, 'm2'],
    ]);
    expect(s.requests[0].body.messages).toEqual([
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'first' },
    ]);
    expect(s.requests[0].headers.authorization).toBe('Bearer test');
    expect(s.requests[1].endedAt).toBeGreaterThanOrEqual(s.requests[1].startedAt);
  });

  it('lets the SDK retry a 429 with retry-after and then succeed', async () => {
    const s = await start({ replies: [{ status: 429, retryAfterSeconds: 0 }, { content: 'after retry' }] });
    const res = await client(s, 2).chat.completions.create({ model: 'm', messages: user('x') });
    expect(res.choices[0].message.content).toBe('after retry');
    expect(s.requests).toHaveLength(2);
  });

  it('sends retry-after headers and an OpenAI-shaped error body', async () => {
    const s = await start({ replies: [{ status: 429, retryAfterSeconds: 3 }] });
    const res = await fetch(`${s.baseUrl}/chat/completions`, { method: 'POST', body: '{"model":"m","messages":[]}' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(res.headers.get('retry-after-ms')).toBe('3000');
    expect(await res.json()).toEqual({
      error: { message: expect.any(String), type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' },
    });
  });

  it('surfaces insufficient_quota as a 429 APIError', async () => {
    const error = { message: 'You exceeded your current quota.', type: 'insufficient_quota', code: 'insufficient_quota' };
    const s = await start({ replies: [{ status: 429, error }] });
    const err = await caught(client(s).chat.completions.create({ model: 'm', messages: user('x') }));
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err).toMatchObject({ status: 429, code: 'insufficient_quota', type: 'insufficient_quota' });
    expect(s.requests).toHaveLength(1);
  });

  it('surfaces a 500 as InternalServerError and a 401 as AuthenticationError', async () => {
    const s = await start({ replies: [{ status: 500 }, { status: 401 }] });
    const c = client(s);
    const err500 = await caught(c.chat.completions.create({ model: 'm', messages: user('x') }));
    expect(err500).toBeInstanceOf(OpenAI.InternalServerError);
    expect(err500).toMatchObject({ status: 500, type: 'server_error' });
    const err401 = await caught(c.chat.completions.create({ model: 'm', messages: user('x') }));
    expect(err401).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err401).toMatchObject({ code: 'invalid_api_key' });
  });

  it('cuts a stream after N characters: the iterator throws after delivering them', async () => {
    const s = await start({ replies: [{ cutAfterChars: 30, content: longText }] });
    const stream = await client(s).chat.completions.create({ model: 'm', messages: user('x'), stream: true });
    let content = '';
    let finish: string | null = null;
    const err = await caught(
      (async () => {
        for await (const chunk of stream) {
          content += chunk.choices[0]?.delta.content ?? '';
          finish = chunk.choices[0]?.finish_reason ?? finish;
        }
      })(),
    );
    // undici's fetch reports the dropped socket as `TypeError: terminated`; no finish_reason ever arrives.
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toBe('terminated');
    expect(content).toBe(longText.slice(0, 30));
    expect(finish).toBeNull();
  });

  it('sends an error event inside a 200 stream as vLLM does: content, the error, then [DONE]', async () => {
    const error = { message: 'The decoder prompt (length 9000) is longer than the maximum model length of 8192.' };
    const reply = { streamError: error, contentBefore: 'partial answer' };
    const s = await start({ replies: [reply, reply] });
    const wire = await fetch(`${s.baseUrl}/chat/completions`, { method: 'POST', body: '{"model":"m","messages":[],"stream":true}' });
    expect(wire.status).toBe(200);
    const events = (await wire.text()).split('\n\n').filter(Boolean);
    expect(events.at(-2)).toBe(
      `data: ${JSON.stringify({ error: { message: error.message, type: 'BadRequestError', param: null, code: 400 } })}`,
    );
    expect(events.at(-1)).toBe('data: [DONE]');

    const stream = await client(s).chat.completions.create({ model: 'm', messages: user('x'), stream: true });
    let content = '';
    const err = await caught(
      (async () => {
        for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? '';
      })(),
    );
    // The SDK turns the event into an APIError without an HTTP status, after the content that came before it.
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err).toMatchObject({ status: undefined, message: error.message, type: 'BadRequestError', code: 400 });
    expect(content).toBe('partial answer');
    expect(s.requests).toHaveLength(2);
  });

  it('sends an error event as LiteLLM does: string code, "None" type, and no [DONE]', async () => {
    const s = await start({
      replies: [{ streamError: { message: 'litellm.APIConnectionError: upstream closed', code: 500 }, from: 'litellm' }],
    });
    const wire = await fetch(`${s.baseUrl}/chat/completions`, { method: 'POST', body: '{"model":"m","messages":[],"stream":true}' });
    const events = (await wire.text()).split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe(
      `data: ${JSON.stringify({ error: { message: 'litellm.APIConnectionError: upstream closed', type: 'None', param: 'None', code: '500' } })}`,
    );
    expect(events).not.toContain('data: [DONE]');
  });

  it('answers a non-stream request scripted with a stream error as an HTTP error with that body', async () => {
    const s = await start({ replies: [{ streamError: { message: 'engine dead', type: 'InternalServerError', code: 500 } }] });
    const err = await caught(client(s).chat.completions.create({ model: 'm', messages: user('x') }));
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(err).toMatchObject({ status: 500, type: 'InternalServerError' });
    expect((err as Error).message).toContain('engine dead');
  });

  it('drops the connection of a cut non-stream request without answering', async () => {
    const s = await start({ replies: [{ cutAfterChars: 5, content: 'never sent' }] });
    const err = await caught(client(s).chat.completions.create({ model: 'm', messages: user('x') }));
    expect(err).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(s.requests).toHaveLength(1);
  });

  it('delivers refusals in both modes', async () => {
    const s = await start({ replies: [{ refusal: 'I cannot help with that.' }, { refusal: 'No, and this refusal is long.' }] });
    const c = client(s);
    const res = await c.chat.completions.create({ model: 'm', messages: user('x') });
    expect(res.choices[0].message).toMatchObject({ content: null, refusal: 'I cannot help with that.' });
    expect(res.choices[0].finish_reason).toBe('stop');
    const got = await drain(await c.chat.completions.create({ model: 'm', messages: user('x'), stream: true }));
    expect(got).toMatchObject({ content: '', refusal: 'No, and this refusal is long.', finish: 'stop' });
  });

  it('makes the client throw on garbage bodies in both modes', async () => {
    const s = await start({ replies: [{ garbage: '{"choices": [' }, { garbage: 'not json at all' }] });
    const c = client(s);
    expect(await caught(c.chat.completions.create({ model: 'm', messages: user('x') }))).toBeInstanceOf(Error);
    const stream = await c.chat.completions.create({ model: 'm', messages: user('x'), stream: true });
    expect(await caught(drain(stream))).toBeInstanceOf(SyntaxError);
  });

  it('answers 500 naming the request index when the script runs out or respond throws', async () => {
    const s = await start({ replies: [{ content: 'only one' }] });
    const c = client(s);
    await c.chat.completions.create({ model: 'm', messages: user('x') });
    const err = await caught(c.chat.completions.create({ model: 'm', messages: user('x') }));
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as Error).message).toContain('fake model server: no scripted reply for request #1');
    expect(s.requests).toHaveLength(2);

    const t = await startFakeModelServer({
      respond: () => {
        throw new Error('boom');
      },
    });
    try {
      const err2 = await caught(client(t).chat.completions.create({ model: 'm', messages: user('x') }));
      expect((err2 as Error).message).toMatch(/no scripted reply for request #0.*boom/);
    } finally {
      await t.close();
    }
  });

  it('decides per request with respond', async () => {
    const s = await start({ respond: (req) => ({ content: `echo ${req.body.messages[0].content} #${req.index}` }) });
    const c = client(s);
    const a = await c.chat.completions.create({ model: 'm', messages: user('one') });
    const b = await c.chat.completions.create({ model: 'm', messages: user('two') });
    expect([a.choices[0].message.content, b.choices[0].message.content]).toEqual(['echo one #0', 'echo two #1']);
  });

  it('counts overlapping requests in maxConcurrent', async () => {
    // A barrier rather than a sleep: neither request is answered until both have arrived, so they must overlap.
    let release!: () => void;
    const bothArrived = new Promise<void>((resolve) => {
      release = resolve;
    });
    const s = await start({
      respond: async (req) => {
        if (req.index === 1) release();
        if (req.index < 2) await bothArrived;
        return { content: `r${req.index}`, latencyMs: 10 };
      },
    });
    const c = client(s);
    const both = await Promise.all([0, 1].map(() => c.chat.completions.create({ model: 'm', messages: user('x') })));
    expect(both.map((r) => r.choices[0].message.content).sort()).toEqual(['r0', 'r1']);
    expect(s.maxConcurrent).toBe(2);
  });

  it('keeps maxConcurrent at 1 for sequential requests', async () => {
    const s = await start({
      replies: [
        { content: 'a', latencyMs: 5 },
        { content: 'b', latencyMs: 5 },
      ],
    });
    const c = client(s);
    await c.chat.completions.create({ model: 'm', messages: user('x') });
    await c.chat.completions.create({ model: 'm', messages: user('x') });
    expect(s.maxConcurrent).toBe(1);
  });

  it('lists the fake model and answers unknown paths with a 404 JSON error', async () => {
    const s = await start({});
    const models = await client(s).models.list();
    expect(models.data.map((m) => [m.id, m.owned_by])).toEqual([['fake-model', 'ainative-tests']]);
    const res = await fetch(`${s.baseUrl}/nope`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('/v1/nope');
    expect(s.requests).toHaveLength(0);
  });

  it('closes despite kept-alive and in-flight connections', async () => {
    let arrived!: () => void;
    const inFlight = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const s = await start({
      respond: () => {
        arrived();
        return { content: 'too late', latencyMs: 60_000 };
      },
    });
    const c = client(s);
    const pending = caught(c.chat.completions.create({ model: 'm', messages: user('x') }));
    await inFlight;
    await s.close(); // would hang for a minute if the waiting socket were left open
    expect(await pending).toBeInstanceOf(OpenAI.APIConnectionError);
    await s.close(); // idempotent
  }, 10_000);
});

describe('codeReply', () => {
  it('builds the fenced edit format with exactly one newline before the closing fence', () => {
    expect(codeReply('src/a.ts', 'export const a = 1;\n')).toBe('Here is the module.\n\n```ts src/a.ts\nexport const a = 1;\n```\n');
    expect(codeReply('src/a.ts', 'export const a = 1;')).toBe(codeReply('src/a.ts', 'export const a = 1;\n\n\n'));
    expect(codeReply('x.json', '{}', 'json', 'Data:')).toBe('Data:\n\n```json x.json\n{}\n```\n');
  });
});
