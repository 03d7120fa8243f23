import type { Intent } from '../project/intent.js';
import type { ChatMessage } from '../ports.js';

/** The prompt templates from `templates/prompts/`, as text. */
export interface PromptTemplates {
  system: string;
  task: string;
  retry: string;
}

/** The public API of one intent that the module may use. */
export interface UsedApi {
  id: string;
  module: string;
  declarations: string;
}

/** A read-only file shown to the model. */
export interface ShownFile {
  path: string;
  content: string;
}

/** What the model saw last: its code and why that attempt failed. */
export interface PreviousAttempt {
  /** The code of the last usable reply, or the raw reply when it had no usable code. */
  reply: string;
  feedback: string;
  /** Number of the attempt that failed, 1-based. */
  attempt: number;
}

export interface BuildMessagesOptions {
  templates: PromptTemplates;
  intent: Intent;
  usedApis: UsedApi[];
  tests: ShownFile[];
  maxAttempts: number;
  previous?: PreviousAttempt;
}

/** What the intent lets its module import, in the words the model needs. */
function describeImports(intent: Intent): string {
  const granted = intent.allow.length > 0 ? intent.allow.map((name) => `\`${name}\``).join(', ') : 'none';
  const shared =
    intent.isolation === 'shared'
      ? " It runs unconfined (isolation: shared): Node's other built-ins are available too, except those that reach outside its job (files, processes, sockets) unless granted."
      : '';
  return `The modules listed above, and these Node built-ins or packages the intent grants: ${granted}. Nothing else.${shared}`;
}

/** Builds the chat for one attempt: system, task, and on later attempts the last reply plus its feedback. */
export function buildMessages(options: BuildMessagesOptions): ChatMessage[] {
  const { templates, intent } = options;
  const task = renderTemplate(templates.task, {
    id: intent.id,
    intentFile: intent.file,
    module: intent.module,
    intent: intent.body,
    exports: intent.exports.map((signature) => `- \`${signature}\``).join('\n'),
    uses: options.usedApis.map(formatUsedApi).join('\n\n'),
    imports: describeImports(intent),
    tests: formatReadOnlyFiles(options.tests),
  });
  const retry = options.previous
    ? renderTemplate(templates.retry, {
        attempt: String(options.previous.attempt),
        maxAttempts: String(options.maxAttempts),
        module: intent.module,
        feedback: options.previous.feedback,
      })
    : undefined;
  return conversation(templates.system, task, options.previous && { reply: options.previous.reply, retry: retry! });
}

/** System and task; on a retry also the model's last reply and the message saying what went wrong with it. */
export function conversation(system: string, task: string, previous?: { reply: string; retry: string }): ChatMessage[] {
  const messages: ChatMessage[] = [
    { role: 'system', content: system.trim() },
    { role: 'user', content: task.trim() },
  ];
  if (previous) {
    messages.push({ role: 'assistant', content: previous.reply });
    messages.push({ role: 'user', content: previous.retry.trim() });
  }
  return messages;
}

/** Replays code as the model would have written it, so the next attempt sees its own last module. */
export function formatCodeReply(path: string, code: string): string {
  const fence = longestFence(code);
  return `${fence}ts ${path}\n${code.endsWith('\n') ? code : `${code}\n`}${fence}`;
}

/** `{{name}}` is replaced by the value; `{{#name}}...{{/name}}` is kept only when the value is non-empty. */
export function renderTemplate(template: string, values: Record<string, string>): string {
  const withSections = template.replace(/\{\{#(\w+)\}\}([\s\S]*?)\{\{\/\1\}\}/g, (_match, name: string, inner: string) =>
    values[name] ? inner : '',
  );
  return withSections.replace(/\{\{(\w+)\}\}/g, (match, name: string) => values[name] ?? match);
}

function formatUsedApi(api: UsedApi): string {
  // Doc comments are kept in declarations and may hold ``` examples.
  const fence = longestFence(api.declarations);
  return `### ${api.module} (intent \`${api.id}\`)\n${fence}ts\n${api.declarations.trim()}\n${fence}`;
}

/** Files shown to the model that it may not write, each under its path and labelled read-only. */
export function formatReadOnlyFiles(files: ShownFile[]): string {
  return files.map((file) => `### ${file.path} (read-only)\n${fencedCode(file.content)}`).join('\n\n');
}

/** Content in a ```ts block whose fence no backtick run inside can close. */
export function fencedCode(content: string): string {
  const fence = longestFence(content);
  return `${fence}ts\n${content.trimEnd()}\n${fence}`;
}

/** A fence longer than any backtick run inside the text, so files holding ``` cannot end the block early. */
function longestFence(content: string): string {
  const runs = content.match(/`{3,}/g) ?? [];
  const longest = runs.reduce((max, run) => Math.max(max, run.length), 2);
  return '`'.repeat(longest + 1);
}
