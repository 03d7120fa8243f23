import { sumUsage } from '../model/usage.js';
import type { ModuleResult } from './build.js';
import { costOf, formatCost, type Price } from './cost.js';
import { formatDuration, formatTokens } from './units.js';

/**
 * The build as a Markdown table, one row per intent and a total: status, attempts, tests, tokens (`~` where
 * estimated), time and cost (`—` without a price), for CI job summaries.
 */
export function summaryTable(modules: readonly ModuleResult[], price: Price | undefined): string {
  const rows = modules.map((module) => [
    `\`${module.id}\``,
    module.status,
    String(module.attempts),
    `${module.tests.passed} passed, ${module.tests.failed} failed`,
    tokens(module.tokens),
    module.status === 'fresh' ? '—' : formatDuration(module.ms),
    price && module.status !== 'fresh' ? formatCost(costOf(module.tokens, price)) : '—',
  ]);
  const total = sumUsage(modules.map((module) => module.tokens));
  const attempts = modules.reduce((sum, module) => sum + module.attempts, 0);
  const ms = modules.reduce((sum, module) => sum + module.ms, 0);
  rows.push(['**total**', '', String(attempts), '', tokens(total), formatDuration(ms), price ? formatCost(costOf(total, price)) : '—']);
  const lines = [
    ['intent', 'status', 'attempts', 'tests', 'tokens', 'time', 'cost'],
    ['---', '---', '---:', '---', '---:', '---:', '---:'],
    ...rows,
  ];
  return `${lines.map((cells) => `| ${cells.map(escapeCell).join(' | ')} |`).join('\n')}\n`;
}

function tokens(usage: ModuleResult['tokens']): string {
  return `${formatTokens(usage.prompt, usage.estimated)} + ${formatTokens(usage.completion, usage.estimated)}`;
}

/** A pipe inside a cell would end it. */
function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
