import type { ChatMessage, TokenUsage } from '../../core/ports.js';
import { estimateTokens } from '../../core/model/tokens.js';

/** Counts the tokens of a text. */
export type CountTokens = (text: string) => number;

let loading: Promise<CountTokens> | undefined;

/**
 * Counts tokens as OpenAI's o200k_base encoding does (GPT-4o, GPT-4.1, o-series): exact for those models, an
 * estimate for others. gpt-tokenizer is pure JavaScript (no native or WASM build) and loads in ~0.2 s, so it is
 * loaded on first use only: builds whose provider reports usage and that show no live progress never load it.
 */
function loadTokenCounter(): Promise<CountTokens> {
  loading ??= import('gpt-tokenizer/encoding/o200k_base').then(({ countTokens }) => {
    // Text that looks like a special token (`<|endoftext|>` in a prompt) is counted as text, never refused.
    const plain = { disallowedSpecial: new Set<string>() };
    return (text: string) => (text === '' ? 0 : countTokens(text, plain));
  });
  return loading;
}

/** Usage counted here because the provider sent none: marked estimated. */
export async function estimateUsage(messages: ChatMessage[], completions: string[]): Promise<TokenUsage> {
  const count = await loadTokenCounter();
  const prompt = messages.reduce((sum, message) => sum + count(message.content), 0);
  const completion = completions.reduce((sum, text) => sum + count(text), 0);
  return { prompt, completion, estimated: true };
}

/**
 * Counts completion tokens as a reply streams in and tells `onStream` the running total. Each piece is counted on
 * its own (a token split across two pieces counts twice), and ~4 characters a token stand in until the tokenizer
 * has loaded: an estimate, shown as one.
 */
export function streamedTokenCounter(onStream: (completionTokens: number) => void): { add(text: string): void } {
  let count: CountTokens | undefined;
  void loadTokenCounter().then(
    (loaded) => (count = loaded),
    () => undefined,
  );
  let total = 0;
  return {
    add(text) {
      if (text === '') return;
      total += count ? count(text) : estimateTokens(text);
      onStream(total);
    },
  };
}
