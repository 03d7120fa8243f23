import type { Intent } from '../project/intent.js';
import { SETTINGS } from '../project/settings.js';
import { estimateMessageTokens } from '../model/tokens.js';
import { buildMessages, type BuildMessagesOptions } from './prompt.js';

/**
 * Why the first prompt of an intent may not be sent: over `maxPromptTokens` by ainative's estimate. Undefined when it
 * fits or there is no limit. Later attempts add the last reply and its feedback (capped), so the first is the one a
 * user can size by editing the intent and its tests.
 */
export function promptSizeProblem(first: Omit<BuildMessagesOptions, 'previous'>, maxPromptTokens: number | undefined): string | undefined {
  if (maxPromptTokens === undefined) return undefined;
  const tokens = estimateMessageTokens(buildMessages(first));
  if (tokens <= maxPromptTokens) return undefined;
  const { intent } = first;
  return `${intent.file}: the prompt for intent '${intent.id}' is ~${tokens} tokens, over maxPromptTokens (${maxPromptTokens}); ${advice(intent)}`;
}

function advice(intent: Intent): string {
  const flag = SETTINGS.maxPromptTokens.flag?.split(' ')[0];
  const split = intent.tests.length > 1 ? 'split the intent and its tests' : 'split the intent';
  return `shorten its description or tests, ${split}, or raise the limit (${[flag, '"maxPromptTokens" in ainative.config.json'].filter(Boolean).join(' or ')})`;
}
