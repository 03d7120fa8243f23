// Scenario 4: an intent using five realistic modules is prompted with their declarations only; how many prompt
// tokens that is per attempt, against the same prompt carrying the five whole files.
import { REPORT_GREEN, REPORT_RED, shopFiles, USED } from '../fixtures/shop.js';
import { intentOf } from '../fixtures/graph.js';
import { buildJson, modelEnv, startModel } from '../model.js';
import { createRepo } from '../repos.js';
import type { Scenario } from '../scenario.js';
import { single } from '../stats.js';
import { row, type Row } from '../table.js';

const NAME = '4 prompt size, uses 5';

export const promptSize: Scenario = {
  key: 'prompt',
  title: 'Prompt size for an intent that uses 5 others',
  async run(space, log) {
    const { root } = await createRepo(space, 'shop', shopFiles());
    const sources = new Map(USED.map((used) => [used.id, used.source]));
    const server = await startModel((id, attempt) => {
      if (id === 'report') return { path: 'src/report.ts', code: attempt === 1 ? REPORT_RED : REPORT_GREEN };
      return { path: `src/${id}.ts`, code: sources.get(id)! };
    });
    try {
      log('  building the five used modules and report (red, then green)');
      const { modules } = await buildJson(root, modelEnv(server), ['--concurrency', '1']);
      const report = modules.find((m) => m.id === 'report');
      if (report?.status !== 'built' || report.attempts !== 2)
        throw new Error(`report should build at attempt 2: ${JSON.stringify(report)}`);
      const requests = server.requests.filter((request) => intentOf(request.body?.messages) === 'report');
      const rows: Row[] = [];
      let declTotal = 0;
      const leaks = new Set<string>();
      requests.forEach((request, index) => {
        const messages = (request.body?.messages ?? []) as Array<{ content: string }>;
        const measured = measure(
          messages.map((m) => m.content),
          sources,
        );
        declTotal += measured.declTokens;
        for (const name of leaked(messages.map((m) => m.content).join('\n'))) leaks.add(name);
        const label = `attempt ${index + 1}`;
        rows.push(
          row(
            NAME,
            `${label}: prompt tokens, declarations (chars/4)`,
            'tokens',
            single(measured.declTokens),
            `< whole files (${measured.wholeTokens})`,
            measured.declTokens < measured.wholeTokens,
          ),
          row(NAME, `${label}: same prompt with the 5 whole files`, 'tokens', single(measured.wholeTokens)),
          row(NAME, `${label}: whole files / declarations`, 'x', single(measured.wholeTokens / measured.declTokens)),
        );
      });
      const apiChars = USED.reduce((sum, used) => sum + used.source.trim().length, 0);
      const declChars = declarationChars(requests[0]?.body?.messages ?? []);
      rows.push(
        row(
          NAME,
          'the 5 used APIs alone, as declarations',
          'tokens',
          single(Math.ceil(declChars / 4)),
          `whole files: ${Math.ceil(apiChars / 4)}`,
          declChars < apiChars,
        ),
        row(
          NAME,
          'usage.prompt_tokens in `--json` (both attempts)',
          'tokens',
          single(report.tokens.prompt),
          `= Σ chars/4 (${declTotal})`,
          report.tokens.prompt === declTotal,
        ),
        row(
          NAME,
          `body-only names of the 5 modules in prompts${leaks.size ? ` (${[...leaks].join(', ')})` : ''}`,
          'count',
          single(leaks.size),
          '0',
          leaks.size === 0,
        ),
      );
      const lines = USED.map((used) => `${used.id} ${used.source.trimEnd().split('\n').length}`).join(', ');
      return {
        rows,
        notes: [
          `Scenario 4: \`report\` uses money, dates, inventory, customers and tax (lines: ${lines}); its first reply fails one test, ` +
            "so attempt 2 also carries the previous code and the feedback. Tokens are the fake server's estimate, message characters / 4 " +
            '(what it reports as usage); "whole files" replaces each declaration block of the recorded request with the module\'s full source. ' +
            'Body-only names: private helpers and constants, and body text such as `this.levels`; private class members stay in ' +
            'declarations as bare names (`private levelOf;`) by TypeScript design. Deterministic, so measured once.',
        ],
      };
    } finally {
      await server.close();
    }
  },
};

// The task prompt shows each used module as `### src/<id>.ts (intent `<id>`)` and a fenced ts block (src/core/prompt.ts).
const BLOCK = /(### src\/(\w+)\.ts \(intent `\w+`\)\n(`{3,})ts\n)([\s\S]*?)(\n\3)/g;

function measure(contents: string[], sources: Map<string, string>): { declTokens: number; wholeTokens: number } {
  let found = 0;
  const whole = contents.map((content) =>
    content.replace(BLOCK, (_all, head: string, id: string, _fence: string, _decl: string, tail: string) => {
      found += 1;
      return `${head}${sources.get(id)!.trim()}${tail}`;
    }),
  );
  if (found !== USED.length) throw new Error(`expected ${USED.length} declaration blocks in the prompt, found ${found}`);
  const chars = (texts: string[]) => texts.reduce((sum, text) => sum + text.length, 0);
  return { declTokens: Math.ceil(chars(contents) / 4), wholeTokens: Math.ceil(chars(whole) / 4) };
}

function declarationChars(messages: Array<{ content: string }>): number {
  let chars = 0;
  for (const message of messages) for (const match of message.content.matchAll(BLOCK)) chars += match[4]!.length;
  return chars;
}

/** Which names or snippets that only exist in the used modules' bodies and private helpers made it into the prompt. */
function leaked(text: string): string[] {
  const escapeRegExp = (name: string) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return USED.flatMap((used) => used.privateNames).filter((name) => new RegExp(`\\b${escapeRegExp(name)}\\b`).test(text));
}
