import type { TokenUsage } from '../ports.js';
import type { Config } from '../project/settings.js';

/** What a million tokens cost, in whatever currency the prices were given in. */
export interface Price {
  promptPerMillion: number;
  completionPerMillion: number;
}

const MILLION = 1_000_000;

/** What `usage` cost at `price`. */
export function costOf(usage: TokenUsage, price: Price): number {
  return (usage.prompt * price.promptPerMillion + usage.completion * price.completionPerMillion) / MILLION;
}

/** A cost as people read it: cents for whole amounts, two significant digits below one. */
export function formatCost(amount: number): string {
  if (amount === 0) return '0';
  return amount >= 1 ? amount.toFixed(2) : String(Number(amount.toPrecision(2)));
}

/** A cost for JSON: no float noise past the eighth decimal. */
export function roundCost(amount: number): number {
  return Math.round(amount * 1e8) / 1e8;
}

type PriceSettings = Pick<Config, 'promptPricePerMillion' | 'completionPricePerMillion' | 'maxCost'>;

/** The configured price (both halves set), or undefined; `problem` says what is missing where that is an error. */
export function configuredPrice(config: PriceSettings): { price?: Price; problem?: string } {
  const { promptPricePerMillion: prompt, completionPricePerMillion: completion } = config;
  if (prompt !== undefined && completion !== undefined) return { price: { promptPerMillion: prompt, completionPerMillion: completion } };
  if (prompt !== undefined || completion !== undefined) {
    const [missing, flag] =
      prompt === undefined ? ['promptPricePerMillion', '--prompt-price'] : ['completionPricePerMillion', '--completion-price'];
    return { problem: `a price needs both halves: ${missing} is not set (add it to ainative.config.json or pass ${flag} <amount>)` };
  }
  if (config.maxCost !== undefined) {
    return {
      problem:
        '--max-cost needs a price: set promptPricePerMillion and completionPricePerMillion in ainative.config.json, or pass --prompt-price <amount> and --completion-price <amount> (per million tokens)',
    };
  }
  return {};
}
