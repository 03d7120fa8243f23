// Runs what the build generated: the modules are transpiled to plain ESM (Node 20 cannot import .ts) and the upload
// handler is put behind a real node:http server on loopback.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ts } from 'ts-morph';

/** The generated modules' API as the demo uses it; checked at runtime since the code was written by a "model". */
export interface Generated {
  createAuth(tokens: Record<string, string>): unknown;
  createStorage(): unknown;
  handleUpload(request: UploadRequest, deps: { auth: unknown; storage: unknown }): Promise<{ status: number; body: unknown }>;
}

interface UploadRequest {
  headers: Record<string, string | undefined>;
  fileName: string;
  contentType: string;
  body: Uint8Array;
}

/** Transpiles every `src/*.ts` of the project into `runtime/` as ESM and imports auth, storage and upload. */
export async function loadGenerated(project: string, runtime: string): Promise<Generated> {
  const src = join(project, 'src');
  const files = (await readdir(src)).filter((name) => name.endsWith('.ts'));
  // `.js` output needs a package.json saying ESM; the runtime folder is outside the project, so it owns this one.
  await writeFile(join(runtime, 'package.json'), '{ "type": "module" }\n');
  for (const name of files) {
    const { outputText } = ts.transpileModule(await readFile(join(src, name), 'utf8'), {
      fileName: name,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, rewriteRelativeImportExtensions: true },
    });
    await writeFile(join(runtime, name.replace(/\.ts$/, '.js')), outputText);
  }
  const load = (name: string) => import(pathToFileURL(join(runtime, `${name}.js`)).href) as Promise<Record<string, unknown>>;
  const [auth, storage, upload] = await Promise.all([load('auth'), load('storage'), load('upload')]);
  const generated = { createAuth: auth.createAuth, createStorage: storage.createStorage, handleUpload: upload.handleUpload };
  for (const [name, value] of Object.entries(generated)) {
    if (typeof value !== 'function') throw new Error(`the generated modules do not export a function '${name}'`);
  }
  return generated as Generated;
}

/** A running upload service: POST /upload with the file as the body and its name in `x-file-name`. */
export interface UploadServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the generated handler on 127.0.0.1 (ephemeral port) with an in-memory store and one token per user. */
export async function startUploadServer(generated: Generated, tokens: Record<string, string>): Promise<UploadServer> {
  const deps = { auth: generated.createAuth(tokens), storage: generated.createStorage() };
  const server = createServer((req, res) => {
    handle(generated, deps, req, res).catch((error: unknown) => sendJson(res, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => closeServer(server) };
}

async function handle(
  generated: Generated,
  deps: Parameters<Generated['handleUpload']>[1],
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method !== 'POST' || req.url !== '/upload') {
    req.resume();
    return sendJson(res, 404, { error: 'not found' });
  }
  const request: UploadRequest = {
    headers: flattenHeaders(req.headers),
    fileName: String(req.headers['x-file-name'] ?? 'upload'),
    contentType: req.headers['content-type'] ?? 'application/octet-stream',
    body: await readBody(req),
  };
  const response = await generated.handleUpload(request, deps);
  sendJson(res, response.status, response.body);
}

// The handler takes one string per header, as the intent says; Node gives arrays for repeated headers.
function flattenHeaders(headers: IncomingMessage['headers']): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]));
}

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** What the upload service answered. */
export interface UploadAnswer {
  status: number;
  body: { url?: string; error?: string };
}

/** One upload over real HTTP; resolves to the status and parsed JSON body. */
export async function postUpload(baseUrl: string, text: string, token?: string): Promise<UploadAnswer> {
  const headers: Record<string, string> = { 'content-type': 'text/plain', 'x-file-name': 'hello.txt' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${baseUrl}/upload`, { method: 'POST', headers, body: text });
  return { status: response.status, body: (await response.json()) as UploadAnswer['body'] };
}
