/** How one setting's value is read from text (a flag, an environment variable) or JSON (the config file). */
export interface ValueType<T> {
  /** What a valid value looks like, for messages: `a positive integer`. */
  expected: string;
  /** Undefined when the text is not a valid value. */
  fromText(text: string): T | undefined;
  /** Undefined when the JSON value is not a valid value. */
  fromJson(value: unknown): T | undefined;
  /** What a valid JSON value looks like, when it differs from `expected`. */
  expectedJson?: string;
  /** The allowed values, when there are a few (listed in help and errors). */
  choices?: readonly T[];
}

/** CI matrices: shard `index` of `count`, both 1-based. */
export interface Shard {
  index: number;
  count: number;
}

/** A string with something in it. */
export const nonEmptyText: ValueType<string> = {
  expected: 'a non-empty string',
  fromText: (text) => (text.trim() === '' ? undefined : text),
  fromJson: (value) => (typeof value === 'string' && value.trim() !== '' ? value : undefined),
};

/** 1, 2, 3, ...; `3` as text, 3 as JSON (not "3"). */
export const positiveInteger: ValueType<number> = {
  expected: 'a positive integer',
  fromText: (text) => positive(Number(text)),
  fromJson: (value) => (typeof value === 'number' ? positive(value) : undefined),
};

/** An amount of money or a price: a decimal number, 0 or more (`0.15`; 0 for a free local model). */
export const amount: ValueType<number> = {
  expected: 'a number, 0 or more (e.g. 0.15)',
  fromText: (text) => (/^\d+(\.\d+)?$|^\.\d+$/.test(text.trim()) ? Number(text) : undefined),
  fromJson: (value) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined),
};

/** An amount above zero (a spending limit). */
export const positiveAmount: ValueType<number> = {
  expected: 'a number above 0 (e.g. 0.50)',
  fromText: (text) => above0(amount.fromText(text)),
  fromJson: (value) => above0(amount.fromJson(value)),
};

/** One of a few words. */
export function oneOf<T extends string>(choices: readonly T[]): ValueType<T> {
  const pick = (value: unknown) => ((choices as readonly unknown[]).includes(value) ? (value as T) : undefined);
  return { expected: `one of ${choices.join(', ')}`, fromText: pick, fromJson: pick, choices };
}

/** `90`, `90s`, `10m`, `1h` as text; milliseconds as JSON. */
export const duration: ValueType<number> = {
  expected: 'a duration such as 90s, 10m or 1h',
  expectedJson: 'a positive integer (milliseconds)',
  fromText(text) {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
    if (!match) return undefined;
    const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
    const ms = Math.round(Number(match[1]) * unit);
    return ms >= 1 ? ms : undefined;
  },
  fromJson: (value) => positiveInteger.fromJson(value),
};

/** `2/5` to { index: 2, count: 5 }, 1-based as CI matrices number their jobs. */
export const shardSpec: ValueType<Shard> = {
  expected: 'i/n with 1 <= i <= n, e.g. 2/4',
  fromText(text) {
    const match = /^(\d+)\/(\d+)$/.exec(text.trim());
    const index = Number(match?.[1]);
    const count = Number(match?.[2]);
    return match && count >= 1 && index >= 1 && index <= count ? { index, count } : undefined;
  },
  fromJson: () => undefined,
};

function above0(number: number | undefined): number | undefined {
  return number !== undefined && number > 0 ? number : undefined;
}

function positive(number: number): number | undefined {
  return Number.isInteger(number) && number >= 1 ? number : undefined;
}
