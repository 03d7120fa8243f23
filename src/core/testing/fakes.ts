// In-memory stand-ins for the ports, shared by the core's unit tests. Test support only: never imported by src.
import type { Intent } from '../project/intent.js';
import type {
  ChatMessage,
  CodeGuard,
  ModelClient,
  ModelReply,
  ProtectedFiles,
  ProtectedSnapshot,
  TestFailure,
  TestRunResult,
  TestRunner,
  TypeChecker,
  TypeProblem,
  Workspace,
} from '../ports.js';
import type { PromptTemplates } from '../agent/prompt.js';

/** A Workspace over a Map; `files` is the whole repo. */
export class MemoryWorkspace implements Workspace {
  readonly files: Map<string, string>;

  constructor(files: Record<string, string> = {}) {
    this.files = new Map(Object.entries(files));
  }

  async read(path: string): Promise<string | undefined> {
    return this.files.get(path);
  }

  async write(path: string, content: string): Promise<void> {
    this.files.set(path, content);
  }

  async remove(path: string): Promise<void> {
    this.files.delete(path);
  }

  async exists(path: string): Promise<boolean> {
    return this.files.has(path);
  }
}

/** A ModelClient answering from a script, in order; an Error in the script is thrown instead. Records every request. */
export class ScriptedModel implements ModelClient {
  readonly requests: ChatMessage[][] = [];
  private readonly script: Array<ModelReply | Error>;

  constructor(script: Array<ModelReply | Error>) {
    this.script = [...script];
  }

  async complete(messages: ChatMessage[]): Promise<ModelReply> {
    this.requests.push(structuredClone(messages));
    const next = this.script.shift();
    if (next === undefined) throw new Error(`ScriptedModel: no reply scripted for request ${this.requests.length}`);
    if (next instanceof Error) throw next;
    return next;
  }

  /** The content of the last user message of request `index` (0-based). */
  lastUserMessage(index: number): string {
    const request = this.requests[index] ?? [];
    return [...request].reverse().find((message) => message.role === 'user')?.content ?? '';
  }
}

/** A normal reply. */
export function modelReply(content: string, overrides: Partial<ModelReply> = {}): ModelReply {
  return { content, finishReason: 'stop', refusal: null, usage: { prompt: 10, completion: 5 }, ...overrides };
}

/** A reply in the edit format: one ```ts block for `path`. */
export function codeReply(path: string, code: string, overrides: Partial<ModelReply> = {}): ModelReply {
  return modelReply(`Here is the module.\n\n\`\`\`ts ${path}\n${code}\n\`\`\`\n`, overrides);
}

/** A TestRunner whose result is computed from the repo as it is when run: the tests judge what is on disk. Records every run. */
export class ContentRunner implements TestRunner {
  readonly runs: Array<{ files: string[]; changed: string[] }> = [];
  /** What `expect` was told, in order; `run` in between as `run:<files>`. */
  readonly announcements: Array<number | string> = [];

  constructor(
    private readonly workspace: MemoryWorkspace,
    private readonly judge: (repo: ReadonlyMap<string, string>, run: { files: string[]; changed: string[] }) => TestRunResult,
  ) {}

  expect(files: number): void {
    this.announcements.push(files);
  }

  async run(files: string[], changed: string[]): Promise<TestRunResult> {
    this.runs.push({ files, changed });
    this.announcements.push(`run:${files.length}`);
    return this.judge(this.workspace.files, { files, changed });
  }

  async close(): Promise<void> {}
}

/** A run where every one of `count` tests passed. */
export function passingRun(count = 1): TestRunResult {
  return { collected: count, passed: count, failed: 0, skipped: 0, failures: [], fileErrors: [] };
}

/** A run with these failures and `passed` other tests. */
export function failingRun(failures: TestFailure[], passed = 0): TestRunResult {
  return { collected: passed + failures.length, passed, failed: failures.length, skipped: 0, failures, fileErrors: [] };
}

/** A TypeChecker with scripted problems per checked code and an API derived from the module's export lines. */
export class ScriptedChecker implements TypeChecker {
  readonly checked: string[] = [];
  readonly apiRequests: string[] = [];

  constructor(
    private readonly workspace: Workspace,
    private readonly problemsFor: (code: string) => TypeProblem[] = () => [],
  ) {}

  async check(_modulePath: string, code: string): Promise<TypeProblem[]> {
    this.checked.push(code);
    return this.problemsFor(code);
  }

  /** Lines starting with `export`, standing in for declaration emit. */
  async extractApi(modulePath: string): Promise<string> {
    this.apiRequests.push(modulePath);
    const content = (await this.workspace.read(modulePath)) ?? '';
    return content
      .split('\n')
      .filter((line) => line.startsWith('export'))
      .join('\n');
  }
}

/** A CodeGuard reporting what `find` returns for the code; nothing by default. */
export class ScriptedGuard implements CodeGuard {
  constructor(private readonly find: (code: string) => TypeProblem[] = () => []) {}

  inspect(_intent: { module: string; allow: string[] }, code: string): TypeProblem[] {
    return this.find(code);
  }
}

interface MemorySnapshot extends ProtectedSnapshot {
  contents: Map<string, string | undefined>;
}

/** ProtectedFiles over some paths of a MemoryWorkspace. */
export class MemoryProtectedFiles implements ProtectedFiles {
  constructor(
    private readonly workspace: MemoryWorkspace,
    private readonly paths: string[],
  ) {}

  async snapshot(): Promise<MemorySnapshot> {
    return { paths: this.paths, contents: new Map(this.paths.map((path) => [path, this.workspace.files.get(path)])) };
  }

  async restoreChanged(snapshot: ProtectedSnapshot): Promise<string[]> {
    const changed = [...(snapshot as MemorySnapshot).contents].filter(([path, content]) => this.workspace.files.get(path) !== content);
    for (const [path, content] of changed) {
      if (content === undefined) this.workspace.files.delete(path);
      else this.workspace.files.set(path, content);
    }
    return changed.map(([path]) => path);
  }
}

/** An intent with sensible defaults for `id`. */
export function makeIntent(id: string, overrides: Partial<Intent> = {}): Intent {
  const module = overrides.module ?? `src/${id}.ts`;
  return {
    id,
    file: `intents/${id}.intent.md`,
    module,
    tests: [`test/${id}.test.ts`],
    uses: [],
    exports: [],
    holdout: [],
    allow: [],
    isolation: 'confined',
    body: `The ${id} module.`,
    text: `---\nmodule: ${module}\n---\nThe ${id} module.\n`,
    ...overrides,
  };
}

/** Small templates for tests about behaviour rather than prompt wording (prompt.test.ts uses the real ones). */
export const TEST_TEMPLATES: PromptTemplates = {
  system: 'You write one module.',
  task: 'Write {{module}}.\n{{intent}}\n{{uses}}\n{{tests}}',
  retry: 'Attempt {{attempt}} of {{maxAttempts}} failed:\n{{feedback}}',
};
