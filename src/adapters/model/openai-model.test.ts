// The adapter against the fake OpenAI-compatible server over real HTTP, through the real openai SDK.
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeModelServer, type FakeModelServer, type FakeReply } from '../../../test/helpers/fake-model-server.js';
import { createOpenAiModel, type OpenAiModelOptions } from './openai-model.js';

let server: FakeModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(replies: FakeReply[], quirks: { omitsUsage?: boolean; ignoresN?: boolean } = {}): Promise<FakeModelServer> {
  server = await startFakeModelServer({ replies, ...quirks });
  return server;
}

function model(options: Partial<OpenAiModelOptions> & { baseUrl: string | undefined }) {
  return createOpenAiModel({ model: 'fake-model', apiKey: 'sk-test', requestTimeoutMs: 10_000, maxRetries: 0, ...options });
}

const ask = [{ role: 'user' as const, content: 'write src/a.ts' }];

/** What the call threw; fails the test when it did not throw. */
async function failure(promise: Promise<unknown>): Promise<{ message: string; exitCode?: number }> {
  try {
    await promise;
  } catch (error) {
    return error as { message: string; exitCode?: number };
  }
  throw new Error('expected the call to fail');
}

/** A loopback URL where nothing listens: a fake server's port right after it closed. */
async function deadUrl(path: string): Promise<string> {
  const gone = await startFakeModelServer();
  await gone.close();
  return gone.baseUrl.replace(/\/v1$/, path);
}

describe('createOpenAiModel', () => {
  it('collects a streamed reply with its finish reason and usage', async () => {
    const s = await serve([{ content: 'export const a = 1;', usage: { prompt_tokens: 12, completion_tokens: 5 } }]);
    const reply = await model({ baseUrl: s.baseUrl }).complete(ask);
    expect(reply).toEqual({ content: 'export const a = 1;', finishReason: 'stop', refusal: null, usage: { prompt: 12, completion: 5 } });
  });

  it('counts the tokens itself, marked estimated, when the provider sends no usage', async () => {
    const s = await serve([{ content: 'export const answer = 42;' }], { omitsUsage: true });
    const reply = await model({ baseUrl: s.baseUrl }).complete(ask);
    // o200k_base: "write src/a.ts" is 4 tokens, "export const answer = 42;" is 7.
    expect(reply.usage).toEqual({ prompt: 4, completion: 7, estimated: true });
  });

  it("reports completion tokens as they stream in, rising to about the reply's count", async () => {
    const content = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n'.repeat(4);
    const s = await serve([{ content, usage: { prompt_tokens: 12, completion_tokens: 80 } }]);
    const seen: number[] = [];
    await model({ baseUrl: s.baseUrl }).complete(ask, { onStream: (tokens) => seen.push(tokens) });
    // The fake server sends 20 characters a chunk: one report per chunk, never going down.
    expect(seen.length).toBe(Math.ceil(content.length / 20));
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect(seen.at(-1)).toBeGreaterThanOrEqual(Math.ceil(content.length / 8));
    expect(seen.at(-1)).toBeLessThanOrEqual(Math.ceil(content.length / 2));
  });

  it("counts every HTTP request it sends, telling the SDK's retries apart", async () => {
    const s = await serve([
      { status: 429, retryAfterSeconds: 0 },
      { status: 500, retryAfterSeconds: 0 },
      { content: 'export const a = 1;' },
    ]);
    const requests: boolean[] = [];
    await model({ baseUrl: s.baseUrl, maxRetries: 3, onRequest: ({ retry }) => requests.push(retry) }).complete(ask);
    expect(requests).toEqual([false, true, true]);
    expect(s.requests).toHaveLength(3);
  });

  it('turns an error event inside a vLLM stream into a provider error with its message, asking once', async () => {
    const message = "This model's maximum context length is 8192 tokens. However, you requested 9100 tokens.";
    const s = await serve([{ streamError: { message }, contentBefore: 'export const' }, { content: 'never asked for' }]);
    const error = await failure(model({ baseUrl: s.baseUrl, maxRetries: 3 }).complete(ask));
    expect(error.exitCode).toBe(3);
    expect(error.message).toBe(`model provider reported an error inside its reply stream: ${message} (type BadRequestError, code 400)`);
    expect(s.requests).toHaveLength(1);
  });

  it('turns a LiteLLM error event into a provider error, leaving out its "None" type', async () => {
    const s = await serve([
      {
        streamError: { message: 'litellm.RateLimitError: upstream rate limit\nTraceback (most recent call last):', code: 429 },
        from: 'litellm',
      },
    ]);
    const error = await failure(model({ baseUrl: s.baseUrl }).complete(ask));
    expect(error.message).toBe(
      'model provider reported an error inside its reply stream: litellm.RateLimitError: upstream rate limit (code 429)',
    );
  });

  it('still answers a stream cut without a word as a cut reply, for the loop to retry', async () => {
    const s = await serve([{ cutAfterChars: 5, content: 'export const a = 1;' }]);
    const reply = await model({ baseUrl: s.baseUrl }).complete(ask);
    expect(reply).toMatchObject({ content: 'expor', finishReason: 'cut' });
  });

  it('names the base URL and suggests /v1 when a server without it answers 404', async () => {
    const s = await serve([]);
    const base = s.baseUrl.replace(/\/v1$/, '/api');
    const error = await failure(model({ baseUrl: `${base}/` }).complete(ask));
    expect(error.exitCode).toBe(3);
    expect(error.message).toMatch(new RegExp(`^model provider at ${base}: model 'fake-model' or endpoint not found \\(404\\): .*`));
    expect(error.message).toMatch(new RegExp(`— OpenAI-compatible servers usually serve under /v1 \\(try ${base}/v1\\)$`));
  });

  it('gives no /v1 hint for a 404 when the base URL has a version', async () => {
    const s = await serve([{ status: 404, error: { message: 'The model `fake-model` does not exist', code: 'model_not_found' } }]);
    const error = await failure(model({ baseUrl: s.baseUrl }).complete(ask));
    expect(error.message).toBe(
      `model provider at ${s.baseUrl}: model 'fake-model' or endpoint not found (404): The model \`fake-model\` does not exist`,
    );
  });

  it('says the server cannot be reached, naming the URL, with the /v1 hint only when it lacks one', async () => {
    const bare = await deadUrl('');
    const noV1 = await failure(model({ baseUrl: bare }).complete(ask));
    expect(noV1.exitCode).toBe(3);
    expect(noV1.message).toBe(
      `cannot reach ${bare} (connection refused) — is the server running? OpenAI-compatible servers usually serve under /v1`,
    );
    const withV1 = await failure(model({ baseUrl: `${bare}/v1` }).complete(ask));
    expect(withV1.message).toBe(`cannot reach ${bare}/v1 (connection refused) — is the server running?`);
  });

  it('rejects a base URL that is not an http(s) URL before any request, as an input error', async () => {
    const error = await failure(model({ baseUrl: '127.0.0.1:11434' }).complete(ask));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      "base URL '127.0.0.1:11434' (OPENAI_BASE_URL or baseUrl in ainative.config.json) is not an http(s) URL, e.g. http://127.0.0.1:11434/v1",
    );
  });
});
