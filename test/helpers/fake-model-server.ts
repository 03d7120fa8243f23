// A real HTTP server on loopback that speaks the OpenAI chat-completions protocol with scripted replies, so every
// test exercises the real openai SDK and network stack without ever reaching a model.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  choiceChunkBody,
  choicesBody,
  chunkBody,
  completionBody,
  errorBody,
  firstChars,
  metaFor,
  splitPieces,
  sseEvent,
  streamErrorBody,
  usageChunkBody,
  usageFor,
  type CompletionMeta,
} from './fake-model-sse.js';

/** Token counts a reply may script instead of the 4-characters-per-token estimate. */
export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
}
/** The error a server puts in an SSE event after answering 200, when generation fails once the stream started. */
export interface FakeStreamError {
  message: string;
  type?: string;
  code?: string | number | null;
  param?: string | null;
}
/**
 * One scripted answer: content (the same in each of the `n` choices asked for), distinct `choices` (choice i gets
 * `choices[i]`, the last repeated when more are asked for), refusal, HTTP error, a stream cut short, an error event
 * inside a 200 stream, or garbage.
 */
export type FakeReply =
  | { content: string; finishReason?: 'stop' | 'length' | 'content_filter'; usage?: FakeUsage; latencyMs?: number }
  | { choices: string[]; usage?: FakeUsage; latencyMs?: number }
  | { refusal: string; latencyMs?: number }
  | { status: number; error?: { message: string; type?: string; code?: string | null }; retryAfterSeconds?: number; latencyMs?: number }
  | { cutAfterChars: number; content: string; latencyMs?: number }
  /**
   * HTTP 200, the `contentBefore` chunks, then `data: {"error": {...}}` the way `from` writes it: vLLM (default)
   * follows it with `data: [DONE]`, LiteLLM ends the stream there. A non-stream request gets the body as an HTTP error.
   */
  | { streamError: FakeStreamError; from?: 'vllm' | 'litellm'; contentBefore?: string; latencyMs?: number }
  | { garbage: string; latencyMs?: number };
/** A chat request as the server received it. */
export interface FakeRequest {
  index: number; // 0-based order of arrival
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the client sent.
  body: any; // parsed JSON body (undefined if not JSON)
  stream: boolean; // body.stream === true
  startedAt: number;
  endedAt?: number; // Date.now() values
}
/** How to script the server; `replies` are consumed first, then `respond` (if given) decides. */
export interface FakeModelServerOptions {
  replies?: FakeReply[]; // consumed in order, one per chat request
  respond?: (req: FakeRequest) => FakeReply | Promise<FakeReply>; // alternative to replies: decide per request
  ignoresN?: boolean; // answer one choice whatever `n` asks for, as Ollama and llama.cpp's server do
  omitsUsage?: boolean; // never send usage, even when stream_options.include_usage asks for it, as some compatible servers do
  host?: string; // default '127.0.0.1'
  port?: number; // default 0 (ephemeral)
}
/** A running fake server and what it has seen. */
export interface FakeModelServer {
  baseUrl: string; // e.g. 'http://127.0.0.1:41234/v1' — pass as OPENAI_BASE_URL / baseURL
  requests: FakeRequest[]; // every chat request, in arrival order (recorded before replying)
  maxConcurrent: number; // highest number of chat requests in flight at the same time
  close(): Promise<void>; // stops listening AND destroys open sockets; resolves when closed
}

/** How this server departs from the real API. */
interface Quirks {
  ignoresN: boolean;
  omitsUsage: boolean;
}

/** Mutable state shared by the handlers of one server. */
interface Ctx {
  api: FakeModelServer;
  script: FakeReply[];
  respond?: FakeModelServerOptions['respond'];
  quirks: Quirks;
  inFlight: number;
  /** Pending latency waits, so close() can cut them short instead of leaving timers behind. */
  waits: Map<NodeJS.Timeout, () => void>;
}

/** Starts the server on loopback (ephemeral port unless told otherwise) and resolves once it listens. */
export async function startFakeModelServer(options: FakeModelServerOptions = {}): Promise<FakeModelServer> {
  const http = createServer();
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= new Promise<void>((resolve) => {
      for (const [timer, wake] of ctx.waits) {
        clearTimeout(timer);
        wake();
      }
      ctx.waits.clear();
      http.close(() => resolve());
      // Keep-alive and in-flight sockets would otherwise hold close() open until they time out.
      http.closeAllConnections();
    }));
  const api: FakeModelServer = { baseUrl: '', requests: [], maxConcurrent: 0, close };
  const ctx: Ctx = {
    api,
    script: [...(options.replies ?? [])],
    respond: options.respond,
    quirks: { ignoresN: options.ignoresN ?? false, omitsUsage: options.omitsUsage ?? false },
    inFlight: 0,
    waits: new Map(),
  };
  http.on('request', (req, res) => {
    res.on('error', () => {}); // a client that hangs up mid-reply is normal here, not a test failure
    route(ctx, req, res).catch((err: unknown) => {
      if (!res.headersSent && !gone(res)) sendJson(res, 500, errorBody(500, { message: `fake model server bug: ${String(err)}` }));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, family, port } = http.address() as AddressInfo;
  api.baseUrl = `http://${family === 'IPv6' ? `[${address}]` : address}:${port}/v1`;
  return api;
}

/** Builds a reply text in ainative's edit format: a fenced block whose info string is the language and path. */
export function codeReply(path: string, code: string, lang = 'ts', prose = 'Here is the module.'): string {
  const intro = prose === '' ? '' : `${prose}\n\n`;
  return `${intro}\`\`\`${lang} ${path}\n${code.replace(/\n+$/, '')}\n\`\`\`\n`;
}

async function route(ctx: Ctx, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'POST' && (path === '/v1/chat/completions' || path === '/chat/completions')) {
    return handleChat(ctx, req, res, path);
  }
  if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
    const model = { id: 'fake-model', object: 'model', created: Math.floor(Date.now() / 1000), owned_by: 'ainative-tests' };
    return sendJson(res, 200, { object: 'list', data: [model] });
  }
  req.resume();
  sendJson(res, 404, errorBody(404, { message: `fake model server: no route for ${req.method} ${path}`, code: 'unknown_url' }));
}

async function handleChat(ctx: Ctx, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const startedAt = Date.now();
  const body = await readJson(req);
  const rec: FakeRequest = {
    index: ctx.api.requests.length,
    method: req.method ?? 'POST',
    path,
    headers: { ...req.headers },
    body,
    stream: body?.stream === true,
    startedAt,
  };
  ctx.api.requests.push(rec);
  ctx.inFlight += 1;
  ctx.api.maxConcurrent = Math.max(ctx.api.maxConcurrent, ctx.inFlight);
  res.once('close', () => {
    ctx.inFlight -= 1;
    rec.endedAt = Date.now();
  });
  const reply = await pickReply(ctx, rec);
  if (reply.latencyMs) await wait(ctx, reply.latencyMs);
  if (gone(res)) return;
  res.setHeader('x-request-id', `req_fake${rec.index}`);
  await sendReply(rec, reply, res, ctx.quirks);
}

/** Next scripted reply, else `respond`; a missing or failing script becomes a loud 500 naming the request. */
async function pickReply(ctx: Ctx, rec: FakeRequest): Promise<FakeReply> {
  const scripted = ctx.script.shift();
  if (scripted) return scripted;
  const missing = `fake model server: no scripted reply for request #${rec.index}`;
  if (!ctx.respond) return { status: 500, error: { message: missing } };
  try {
    return await ctx.respond(rec);
  } catch (err) {
    return { status: 500, error: { message: `${missing} (respond threw: ${err instanceof Error ? err.message : String(err)})` } };
  }
}

async function sendReply(rec: FakeRequest, reply: FakeReply, res: ServerResponse, quirks: Quirks): Promise<void> {
  const meta = { ...metaFor(rec, quirks.ignoresN), omitsUsage: quirks.omitsUsage };
  if ('status' in reply) return sendError(res, reply);
  if ('choices' in reply) return sendChoices(rec, res, meta, reply);
  if ('garbage' in reply) return sendGarbage(res, rec.stream, reply.garbage);
  if ('streamError' in reply) return sendStreamError(rec, res, meta, reply);
  if ('cutAfterChars' in reply) {
    if (!rec.stream) return void res.socket?.destroy(); // the client sees a dropped connection, no response
    return streamText(rec, res, meta, { kind: 'content', text: firstChars(reply.content, reply.cutAfterChars), finish: null });
  }
  const kind = 'refusal' in reply ? 'refusal' : 'content';
  const text = 'refusal' in reply ? reply.refusal : reply.content;
  const finish = 'finishReason' in reply && reply.finishReason ? reply.finishReason : 'stop';
  const usage = usageFor(rec, text, meta.n, 'usage' in reply ? reply.usage : undefined);
  if (rec.stream) return streamText(rec, res, meta, { kind, text, finish, usage });
  const message = kind === 'refusal' ? { content: null, refusal: text } : { content: text, refusal: null };
  sendJson(res, 200, completionBody(meta, message, finish, usage));
}

/** Distinct texts per choice: streamed one choice after another (each chunk names its index), or as one body. */
async function sendChoices(
  rec: FakeRequest,
  res: ServerResponse,
  meta: CompletionMeta,
  reply: Extract<FakeReply, { choices: string[] }>,
): Promise<void> {
  const texts = Array.from({ length: meta.n }, (_, i) => reply.choices[Math.min(i, reply.choices.length - 1)] ?? '');
  const usage = usageFor(rec, texts.join(''), 1, reply.usage);
  if (!rec.stream) return sendJson(res, 200, choicesBody(meta, texts, usage));
  const withUsage = wantsUsage(rec, meta);
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  const events: object[] = [];
  texts.forEach((text, index) => {
    events.push(choiceChunkBody(meta, index, { role: 'assistant', content: '' }, null, withUsage));
    for (const piece of splitPieces(text)) events.push(choiceChunkBody(meta, index, { content: piece }, null, withUsage));
    events.push(choiceChunkBody(meta, index, {}, 'stop', withUsage));
  });
  if (withUsage) events.push(usageChunkBody(meta, usage));
  await sendEvents(res, events, true);
}

/** The client asked for a usage chunk and this server sends one. */
function wantsUsage(rec: FakeRequest, meta: CompletionMeta & { omitsUsage?: boolean }): boolean {
  return rec.body?.stream_options?.include_usage === true && !meta.omitsUsage;
}

function sendError(res: ServerResponse, reply: Extract<FakeReply, { status: number }>): void {
  const headers: Record<string, string> = {};
  if (reply.retryAfterSeconds !== undefined) {
    headers['retry-after'] = String(reply.retryAfterSeconds);
    headers['retry-after-ms'] = String(reply.retryAfterSeconds * 1000);
  }
  sendJson(res, reply.status, errorBody(reply.status, reply.error), headers);
}

/** A stream that starts like any other and then carries the provider's error as an event. */
async function sendStreamError(
  rec: FakeRequest,
  res: ServerResponse,
  meta: CompletionMeta,
  reply: Extract<FakeReply, { streamError: FakeStreamError }>,
): Promise<void> {
  const from = reply.from ?? 'vllm';
  const body = streamErrorBody(from, reply.streamError);
  if (!rec.stream) {
    const status = Number(reply.streamError.code);
    return sendJson(res, status >= 400 && status < 600 ? status : 500, body);
  }
  const withUsage = wantsUsage(rec, meta);
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  const events = [chunkBody(meta, { role: 'assistant', content: '' }, null, withUsage)];
  for (const piece of splitPieces(reply.contentBefore ?? '')) events.push(chunkBody(meta, { content: piece }, null, withUsage));
  events.push(body);
  for (const event of events) {
    if (gone(res)) return;
    await write(res, sseEvent(JSON.stringify(event)));
  }
  if (gone(res)) return;
  if (from === 'vllm') res.end(sseEvent('[DONE]'));
  else res.end();
}

function sendGarbage(res: ServerResponse, stream: boolean, garbage: string): void {
  res.writeHead(200, { 'content-type': stream ? 'text/event-stream' : 'application/json' });
  res.end(stream ? sseEvent(garbage) : garbage);
}

interface StreamPlan {
  kind: 'content' | 'refusal';
  text: string;
  /** null: drop the connection after the text, as a provider crashing mid-stream would. */
  finish: string | null;
  usage?: ReturnType<typeof usageFor>;
}

/** Streams the text in pieces; each write waits for its flush so the client really receives separate chunks. */
async function streamText(rec: FakeRequest, res: ServerResponse, meta: CompletionMeta, plan: StreamPlan): Promise<void> {
  const withUsage = wantsUsage(rec, meta);
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  const first = plan.kind === 'content' ? { role: 'assistant', content: '' } : { role: 'assistant', content: null, refusal: '' };
  const events = [chunkBody(meta, first, null, withUsage)];
  for (const piece of splitPieces(plan.text)) events.push(chunkBody(meta, { [plan.kind]: piece }, null, withUsage));
  if (plan.finish !== null) {
    events.push(chunkBody(meta, {}, plan.finish, withUsage));
    if (withUsage && plan.usage) events.push(usageChunkBody(meta, plan.usage));
  }
  await sendEvents(res, events, plan.finish !== null);
}

/** Writes the events one by one, then `[DONE]`, or drops the connection when the stream must break off instead. */
async function sendEvents(res: ServerResponse, events: object[], finish: boolean): Promise<void> {
  for (const event of events) {
    if (gone(res)) return;
    await write(res, sseEvent(JSON.stringify(event)));
  }
  if (!finish) return void res.socket?.destroy();
  if (!gone(res)) res.end(sseEvent('[DONE]'));
}

function sendJson(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<FakeRequest['body']> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Resolves when the data is handed to the socket, or when the client is gone (so nothing waits forever). */
function write(res: ServerResponse, data: string): Promise<void> {
  return new Promise((resolve) => {
    res.once('close', resolve);
    res.write(data, () => {
      res.off('close', resolve);
      resolve();
    });
  });
}

function wait(ctx: Ctx, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      ctx.waits.delete(timer);
      resolve();
    }, ms);
    ctx.waits.set(timer, resolve);
  });
}

function gone(res: ServerResponse): boolean {
  return res.destroyed || res.writableEnded || !res.socket || res.socket.destroyed;
}
