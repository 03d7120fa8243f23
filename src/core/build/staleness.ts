import type { IntentInputs, LockEntry } from '../project/lock.js';

/** Whether an intent must be rebuilt, and every reason why. */
export interface Staleness {
  stale: boolean;
  reasons: string[];
}

/** Compares an intent's current inputs and module with its lock entry. */
export function assessStaleness(
  current: IntentInputs,
  entry: LockEntry | undefined,
  module: { path: string; sha256: string | undefined },
): Staleness {
  if (!entry) return { stale: true, reasons: ['not built yet (no entry in ainative.lock)'] };
  const reasons: string[] = [];
  const before = entry.inputs;
  if (entry.module !== module.path) reasons.push(`module moved (${entry.module} -> ${module.path})`);
  if (before.intent !== current.intent) reasons.push('intent text changed');
  if (before.tests !== current.tests) reasons.push('tests changed');
  for (const id of unionKeys(before.uses ?? {}, current.uses)) {
    const was = before.uses?.[id];
    const now = current.uses[id];
    if (was === undefined) reasons.push(`now uses '${id}'`);
    else if (now === undefined) reasons.push(`no longer uses '${id}'`);
    else if (was !== now) reasons.push(`public API of '${id}' changed`);
  }
  if (before.prompt !== current.prompt) reasons.push('prompt templates changed');
  if (before.model !== current.model) reasons.push(`model changed (${before.model} -> ${current.model})`);
  if (module.sha256 === undefined) reasons.push(`${module.path} is missing`);
  return { stale: reasons.length > 0, reasons };
}

/** Whether the module on disk is not what ainative wrote last (edited by hand since). */
export function moduleEditedSinceBuild(entry: LockEntry | undefined, moduleSha256: string | undefined): boolean {
  return entry !== undefined && moduleSha256 !== undefined && entry.output.sha256 !== moduleSha256;
}

function unionKeys(a: Record<string, string>, b: Record<string, string>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}
