// `npm run bench`: builds synthetic repos in a temp folder, measures each scenario, prints the table and writes it
// to bench/latest.md. A benchmark, not a test: a missed target is reported as SHORT, never hidden.
// Pass scenario keys to run only some: `npm run bench -- loop prompt`.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PACKAGE_DIR } from './dist.js';
import { envInfo, type EnvInfo } from './env-info.js';
import { TempSpace } from './repos.js';
import type { Scenario } from './scenario.js';
import { feedbackLoop } from './scenarios/feedback-loop.js';
import { noopBuild, scaleNoopBuild } from './scenarios/noop-build.js';
import { parallelDag } from './scenarios/parallel-dag.js';
import { promptSize } from './scenarios/prompt-size.js';
import { msSince, single } from './stats.js';
import { markdownTable, textTable, type Row } from './table.js';

const SCENARIOS: Scenario[] = [feedbackLoop, noopBuild, parallelDag, promptSize, scaleNoopBuild];

async function main(): Promise<number> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((key) => !SCENARIOS.some((s) => s.key === key));
  if (unknown.length > 0) {
    process.stderr.write(`unknown scenario ${unknown.join(', ')}; the keys are ${SCENARIOS.map((s) => s.key).join(', ')}\n`);
    return 2;
  }
  const chosen = SCENARIOS.filter((s) => wanted.length === 0 || wanted.includes(s.key));
  const info = await envInfo();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(`ainative bench: ${info.date}, node ${info.node}, ${info.nproc} cores, ${info.cpu}`);
  const space = new TempSpace();
  const rows: Row[] = [];
  const notes: string[] = [];
  let failed = false;
  // Ctrl-C must not leave temp repos behind.
  const onSignal = () => {
    space.cleanup();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const started = process.hrtime.bigint();
  try {
    for (const scenario of chosen) {
      log(`[${scenario.key}] ${scenario.title}`);
      const start = process.hrtime.bigint();
      try {
        const result = await scenario.run(space, log);
        rows.push(...result.rows);
        notes.push(...result.notes);
      } catch (error) {
        failed = true;
        log(error instanceof Error ? (error.stack ?? error.message) : String(error));
        rows.push({
          scenario: scenario.title,
          figure: `ERROR: ${firstLine(error)}`,
          unit: 'count',
          summary: single(0),
          target: '',
          verdict: 'SHORT',
        });
      }
      log(`[${scenario.key}] done in ${(msSince(start) / 1000).toFixed(1)} s`);
    }
  } finally {
    space.cleanup();
  }
  const table = textTable(rows);
  process.stdout.write(`\n${table}\n\n`);
  await writeFile(path.join(PACKAGE_DIR, 'bench', 'latest.md'), markdown(info, rows, notes, msSince(started)));
  log(`wrote bench/latest.md (${(msSince(started) / 1000).toFixed(0)} s in all)`);
  return failed ? 1 : 0;
}

function markdown(info: EnvInfo, rows: Row[], notes: string[], totalMs: number): string {
  return [
    '# ainative bench (`npm run bench`)',
    '',
    `- date: ${info.date}`,
    `- node: ${info.node}`,
    `- nproc: ${info.nproc}`,
    `- cpu: ${info.cpu}`,
    `- whole bench: ${(totalMs / 1000).toFixed(0)} s`,
    '',
    markdownTable(rows),
    '',
    'n is the number of timed samples (warm-up runs excluded); PASS/SHORT compares the median with the target.',
    '',
    ...notes.map((note) => `- ${note}`),
    '',
  ].join('\n');
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 160);
}

process.exitCode = await main();
