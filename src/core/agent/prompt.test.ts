import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildMessages, formatCodeReply, renderTemplate, type BuildMessagesOptions, type PromptTemplates } from './prompt.js';
import { extractCodeBlocks, parseReply } from './reply.js';
import { makeIntent } from '../testing/fakes.js';

function readTemplate(name: string): string {
  return readFileSync(new URL(`../../../templates/prompts/${name}.md`, import.meta.url), 'utf8');
}

const TEMPLATES: PromptTemplates = { system: readTemplate('system'), task: readTemplate('task'), retry: readTemplate('retry') };
const TEST_FILE = {
  path: 'test/session.test.ts',
  content: "import { createSession } from '../src/session.ts';\nit('creates', () => expect(createSession('u').user).toBe('u'));\n",
};

function options(overrides: Partial<BuildMessagesOptions> = {}): BuildMessagesOptions {
  return {
    templates: TEMPLATES,
    intent: makeIntent('session', {
      exports: ['createSession(user: string): Session', 'interface Session'],
      uses: ['auth'],
      body: '# Sessions\n\nA session belongs to one user and expires after an hour.',
    }),
    usedApis: [{ id: 'auth', module: 'src/auth.ts', declarations: 'export declare function hash(text: string): string;\n' }],
    tests: [TEST_FILE, { path: 'test/session-expiry.test.ts', content: "it('expires', () => {});" }],
    maxAttempts: 4,
    ...overrides,
  };
}

describe('buildMessages on a first attempt', () => {
  const messages = buildMessages(options());
  const task = messages[1]!.content;

  it('sends the system template, then the task', () => {
    expect(messages.map((message) => message.role)).toEqual(['system', 'user']);
    expect(messages[0]!.content).toBe(TEMPLATES.system.trim());
  });

  it('names the module and the intent, and includes the intent body', () => {
    expect(task).toContain('Write `src/session.ts`, the module for the intent `session` (intents/session.intent.md).');
    expect(task).toContain('A session belongs to one user and expires after an hour.');
  });

  it('lists the required exports', () => {
    expect(task).toContain('## Required exports');
    expect(task).toContain('- `createSession(user: string): Session`\n- `interface Session`');
  });

  it('shows the declarations of used modules', () => {
    expect(task).toContain('### src/auth.ts (intent `auth`)\n```ts\nexport declare function hash(text: string): string;\n```');
  });

  it('shows every test file, labelled read-only', () => {
    expect(task).toContain(`### test/session.test.ts (read-only)\n\`\`\`ts\n${TEST_FILE.content.trimEnd()}\n\`\`\``);
    expect(task).toContain("### test/session-expiry.test.ts (read-only)\n```ts\nit('expires', () => {});\n```");
  });

  it('leaves no template markers behind', () => {
    expect(task).not.toMatch(/\{\{/);
  });
});

describe('buildMessages edge cases', () => {
  it('drops the exports and uses sections when there are none', () => {
    const task = buildMessages(options({ intent: makeIntent('session'), usedApis: [] }))[1]!.content;
    expect(task).not.toContain('Required exports');
    expect(task).not.toContain('Modules you may use');
    expect(task).toContain('## Tests that judge the module');
    expect(task).not.toMatch(/\{\{/);
  });

  it('fences a test file holding ``` with a longer fence, so the block stays whole', () => {
    const content = "const md = `\n```ts\nx\n````\n`;\nit('renders', () => {});";
    const task = buildMessages(options({ tests: [{ path: 'test/md.test.ts', content }] }))[1]!.content;
    expect(task).toContain(`### test/md.test.ts (read-only)\n\`\`\`\`\`ts\n${content}\n\`\`\`\`\``);
    expect(extractCodeBlocks(task).map((block) => block.code)).toContain(content);
  });

  it('fences used declarations holding ``` (a doc comment example) with a longer fence', () => {
    const declarations = '/**\nExample:\n```ts\nhash("a");\n```\n*/\nexport declare function hash(text: string): string;';
    const task = buildMessages(options({ usedApis: [{ id: 'auth', module: 'src/auth.ts', declarations }] }))[1]!.content;
    expect(extractCodeBlocks(task).map((block) => block.code)).toContain(declarations);
  });

  it('inserts intent text literally, even when it looks like a template marker or a replacement pattern', () => {
    const body = 'Keep {{module}} and {{#exports}} and $& and $1 as written.';
    const task = buildMessages(options({ intent: makeIntent('session', { body }) }))[1]!.content;
    expect(task).toContain(body);
  });
});

describe('buildMessages on a retry', () => {
  const code = 'export function createSession(user: string) {\n  return { user };\n}\n';
  const messages = buildMessages(
    options({ previous: { attempt: 2, reply: formatCodeReply('src/session.ts', code), feedback: 'Failing tests (1 of 2):\n1. creates' } }),
  );

  it('sends system, task, the previous code as the assistant, then the feedback', () => {
    expect(messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(messages[1]).toEqual(buildMessages(options())[1]);
  });

  it('replays the previous code in the edit format', () => {
    expect(messages[2]!.content).toBe(`\`\`\`ts src/session.ts\n${code}\`\`\``);
    expect(parseReply(messages[2]!.content, 'src/session.ts')).toEqual({ ok: true, code });
  });

  it('says which attempt failed out of how many, and why', () => {
    const retry = messages[3]!.content;
    expect(retry).toContain('Attempt 2 of 4 for `src/session.ts` failed.');
    expect(retry).toContain('Failing tests (1 of 2):\n1. creates');
  });
});

describe('renderTemplate', () => {
  it('keeps a section only when its value is non-empty and leaves unknown markers alone', () => {
    const template = 'a{{#x}}[{{x}}]{{/x}}b{{#y}}[{{y}}]{{/y}}c {{z}}';
    expect(renderTemplate(template, { x: '1', y: '' })).toBe('a[1]bc {{z}}');
  });
});

describe('formatCodeReply', () => {
  it('adds the missing final newline before the closing fence', () => {
    expect(formatCodeReply('src/a.ts', 'x')).toBe('```ts src/a.ts\nx\n```');
  });

  it('replays code holding ``` with a longer fence, so it still parses as the whole module', () => {
    const code = 'export const doc = `\n```ts\nx\n```\n`;\n';
    expect(parseReply(formatCodeReply('src/a.ts', code), 'src/a.ts')).toEqual({ ok: true, code });
  });
});

describe('what the module may import', () => {
  it('lists the granted built-ins and packages, and nothing else, for a confined module', () => {
    const messages = buildMessages({
      templates: TEMPLATES,
      intent: makeIntent('files', { allow: ['fs', 'zod'] }),
      usedApis: [],
      tests: [],
      maxAttempts: 4,
    });
    expect(messages[1]!.content).toContain(
      '## What the module may import\nThe modules listed above, and these Node built-ins or packages the intent grants: `fs`, `zod`. Nothing else.',
    );
    const none = buildMessages({ templates: TEMPLATES, intent: makeIntent('pure'), usedApis: [], tests: [], maxAttempts: 4 });
    expect(none[1]!.content).toContain('the intent grants: none. Nothing else.');
  });
});
