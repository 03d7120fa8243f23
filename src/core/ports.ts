// The small interfaces through which the pure core talks to the world. Adapters in src/adapters implement them;
// core tests use in-memory fakes.

/** One chat message as sent to an OpenAI-compatible chat-completions endpoint. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Token counts of one model call, or a sum of them. */
export interface TokenUsage {
  prompt: number;
  completion: number;
  /** Set when some of the counts were estimated because the provider sent no usage; absent when all were reported. */
  estimated?: true;
}

/** What the model answered; expected oddities (truncation, refusal) are data, not exceptions. */
export interface ModelReply {
  content: string;
  /** `stop`, `length`, `content_filter`, ... or null when the stream ended without one. */
  finishReason: string | null;
  refusal: string | null;
  usage: TokenUsage;
  /** The response-cache entry that holds this reply, when it went through the cache; the lock records it so the entry is kept. */
  cacheKey?: string;
}

/** What every model call may take: an abort signal, and a listener for the reply as it streams in. */
export interface CallOptions {
  signal?: AbortSignal;
  /** Called as the reply streams in with the completion tokens received so far (an estimate); not called for replays. */
  onStream?: (completionTokens: number) => void;
}

/** A chat-completions client. Throws ProviderError when the provider cannot answer at all. */
export interface ModelClient {
  /** `sample` > 0 asks for another candidate of the same request (best-of-n), sampled with some temperature. */
  complete(messages: ChatMessage[], options?: CallOptions & { sample?: number }): Promise<ModelReply>;
  /**
   * `count` more candidates (samples 1..count) in one request, the API's `n`. Fewer come back when the provider
   * ignores `n`, none when it refuses it: the caller asks for the rest one by one. The first reply carries the
   * request's token usage, the others none.
   */
  completeMany?(messages: ChatMessage[], count: number, options?: CallOptions): Promise<ModelReply[]>;
}

/** One failing test as the runner saw it. */
export interface TestFailure {
  /** Full name: describe blocks and test title joined with " > ". */
  name: string;
  /** Repo-relative test file. */
  file: string;
  message: string;
  expected?: string;
  actual?: string;
  /** 1-based line in the test file where the failure was raised, when known. */
  line?: number;
  /** That line's source text, trimmed, when known. */
  source?: string;
}

/** An error that stopped a whole test file (import error, syntax error, crash). */
export interface FileError {
  file: string;
  message: string;
}

/** The outcome of one run of some test files. */
export interface TestRunResult {
  /** Tests collected in the files (passed + failed + skipped + todo). */
  collected: number;
  passed: number;
  failed: number;
  skipped: number;
  failures: TestFailure[];
  fileErrors: FileError[];
}

/** Runs test files; kept warm across runs. Paths are repo-relative. */
export interface TestRunner {
  /** Runs `files`; `changed` are source files rewritten on disk since the last run (their cached copies are dropped). */
  run(files: string[], changed: string[]): Promise<TestRunResult>;
  /**
   * Says that runs of about `files` more test files are coming (a model request went out), or, negative, that fewer
   * are than said (an attempt ended before its tests ran). A runner that prepares for runs ahead of time (booting
   * test threads while the model answers) uses it to prepare as much as will be used; others ignore it.
   */
  expect?(files: number): void;
  close(): Promise<void>;
}

/** A type or syntax problem in a module, or a required export that is missing or mistyped. */
export interface TypeProblem {
  message: string;
  /** 1-based line in the module, when the problem has one. */
  line?: number;
}

/** Type-checks candidate module text and extracts public APIs. Paths are repo-relative. */
export interface TypeChecker {
  check(modulePath: string, code: string, requiredExports: string[]): Promise<TypeProblem[]>;
  /** Declarations only (what a .d.ts would hold) of the module as it is on disk; '' when it does not exist. */
  extractApi(modulePath: string): Promise<string>;
}

/** Inspects candidate source for code that games the tests or reaches outside its job; one problem per violation. */
export interface CodeGuard {
  inspect(
    intent: { module: string; allow: string[]; isolation: 'confined' | 'shared' },
    code: string,
  ): TypeProblem[] | Promise<TypeProblem[]>;
}

/** What the protected files held at one moment; opaque to the core. */
export interface ProtectedSnapshot {
  readonly paths: readonly string[];
}

/** Files the agent's code must never change (tests, intents, lock, configs): checked around every test run. */
export interface ProtectedFiles {
  snapshot(): Promise<ProtectedSnapshot>;
  /** Puts back, byte for byte, every protected file that differs from the snapshot; returns their paths. */
  restoreChanged(snapshot: ProtectedSnapshot): Promise<string[]>;
}

/** The user's files, repo-relative. Writes are atomic. */
export interface Workspace {
  read(path: string): Promise<string | undefined>;
  write(path: string, content: string): Promise<void>;
  remove(path: string): Promise<void>;
  exists(path: string): Promise<boolean>;
}
