// The scripted "model" of the demo: canned replies per intent and attempt, in ainative's edit format. Upload's first
// attempt answers 401 where the intent and tests say 403, so the demo shows a red attempt turning green on feedback.
import { codeReply, type FakeReply, type FakeRequest } from '../test/helpers/fake-model-server.js';

const AUTH = `/** A user known to the service. */
export interface User {
  id: string;
}

/** Authenticates requests by their bearer token. */
export interface Auth {
  authenticate(headers: Record<string, string | undefined>): User | null;
}

/** An Auth over a table from bearer token to user id. */
export function createAuth(tokens: Record<string, string>): Auth {
  // A Map holds only the table's own entries, so 'constructor' or '__proto__' can never pass as tokens.
  const users = new Map(Object.entries(tokens));
  return {
    authenticate(headers) {
      const header = headerValue(headers, 'authorization');
      const token = header === undefined ? undefined : /^\\s*bearer\\s+(\\S+)\\s*$/i.exec(header)?.[1];
      const id = token === undefined ? undefined : users.get(token);
      return id === undefined ? null : { id };
    },
  };
}

function headerValue(headers: Record<string, string | undefined>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}
`;

const STORAGE = `/** A file as the store keeps it. */
export interface StoredFile {
  id: string;
  url: string;
  owner: string;
  name: string;
  contentType: string;
  data: Uint8Array;
}

/** An in-memory file store. */
export interface Storage {
  put(file: { owner: string; name: string; contentType: string; data: Uint8Array }): StoredFile;
  get(id: string): StoredFile | undefined;
}

/** A new, empty store whose ids count 1, 2, 3, ... */
export function createStorage(): Storage {
  const files = new Map<string, StoredFile>();
  let next = 1;
  return {
    put(file) {
      const id = String(next++);
      const stored: StoredFile = { id, url: \`/files/\${id}\`, owner: file.owner, name: file.name, contentType: file.contentType, data: new Uint8Array(file.data) };
      files.set(id, stored);
      return stored;
    },
    get(id) {
      return files.get(id);
    },
  };
}
`;

const uploadModule = (denied: { status: number; error: string }) => `import type { Auth } from './auth.ts';
import type { Storage } from './storage.ts';

/** An upload as the handler sees it, independent of any HTTP server. */
export interface UploadRequest {
  headers: Record<string, string | undefined>;
  fileName: string;
  contentType: string;
  body: Uint8Array;
}

/** What to answer: an HTTP status and a JSON body. */
export interface UploadResponse {
  status: number;
  body: { url: string } | { error: string };
}

/** What the handler needs from the rest of the service. */
export interface UploadDeps {
  auth: Auth;
  storage: Storage;
}

/** Authenticates, validates and stores one upload. */
export async function handleUpload(request: UploadRequest, deps: UploadDeps): Promise<UploadResponse> {
  const user = deps.auth.authenticate(request.headers);
  if (!user) return { status: ${denied.status}, body: { error: '${denied.error}' } };
  if (request.body.byteLength === 0) return { status: 400, body: { error: 'empty file' } };
  const stored = deps.storage.put({ owner: user.id, name: request.fileName, contentType: request.contentType, data: request.body });
  return { status: 201, body: { url: stored.url } };
}
`;

/** Replies per intent id, one per attempt, in order. */
const SCRIPT: Record<string, { module: string; replies: string[] }> = {
  auth: { module: 'src/auth.ts', replies: [AUTH] },
  storage: { module: 'src/storage.ts', replies: [STORAGE] },
  upload: {
    module: 'src/upload.ts',
    replies: [uploadModule({ status: 401, error: 'unauthorized' }), uploadModule({ status: 403, error: 'forbidden' })],
  },
};

const PROSE = ['Here is the module.', 'The tests expect 403 for unauthenticated uploads, as the intent says; fixed.'];

/** The intent a chat request is for, read from the task message ainative sends first. */
export function intentOf(request: FakeRequest): string | undefined {
  const messages: Array<{ role: string; content: string }> = request.body?.messages ?? [];
  const task = messages.find((message) => message.role === 'user')?.content ?? '';
  return /the module for the intent `([^`]+)`/.exec(task)?.[1];
}

/** A `respond` function for the fake model server that plays SCRIPT, counting attempts per intent. */
export function createScriptedModel(): (request: FakeRequest) => FakeReply {
  const attempts = new Map<string, number>();
  return (request) => {
    const id = intentOf(request);
    const script = id === undefined ? undefined : SCRIPT[id];
    if (id === undefined || !script) return unscripted(`no script for intent '${id ?? '?'}'`);
    const attempt = (attempts.get(id) ?? 0) + 1;
    attempts.set(id, attempt);
    const code = script.replies[attempt - 1];
    if (code === undefined) return unscripted(`no reply scripted for attempt ${attempt} of '${id}'`);
    return { content: codeReply(script.module, code, 'ts', PROSE[Math.min(attempt - 1, PROSE.length - 1)]) };
  };
}

// A 400 is not retried by the SDK, so a gap in the script stops the build at once and loudly.
function unscripted(message: string): FakeReply {
  return { status: 400, error: { message: `scripted demo model: ${message}`, type: 'invalid_request_error' } };
}
