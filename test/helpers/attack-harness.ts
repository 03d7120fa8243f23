// Runs a build whose every model reply cheats, in a chosen sandbox tier, and proves what the confinement promises:
// the build fails, no module is left, the tests are byte-identical, nothing outside the repo changed, no secret
// (raw or encoded) reached a request or the output, no process is left, and a later honest build still works.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { encodedForms } from '../../src/core/model/redact.js';
import { codeReply, type FakeRequest } from './fake-model-server.js';
import { createGitOnlyBin } from './git-only-bin.js';
import { processesMentioning } from './processes.js';
import { runWithModel } from './scenario.js';
import { createTempRepo, type TempRepo } from './temp-repo.js';

/** The tiers an attack is tried in; bwrap only where it works here. */
export type Tier = 'bwrap' | 'permission';

/** Secrets planted in the repo and the environment: none may leave, in any encoding. */
export const SECRETS = {
  apiKey: 'sk-attack-canary-3f9c2a71b4e8d605',
  gitToken: 'ghs_AttackCanaryToken9d8c7b6a5f4e3d2c1b0a',
  dotenv: 'dotenv-canary-5e1f7a2c9b3d',
  holdout: 'holdout-canary-81726354',
};

/** What an attack build showed. */
export interface AttackOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
  requests: FakeRequest[];
  /** The last feedback ainative kept for the intent (`build --json` → modules[0].failure). */
  failure: string;
  repo: TempRepo;
}

export interface AttackOptions {
  tier: Tier;
  /** Files of the repo (intents, tests); secrets and a git remote with a token are added. */
  files: Record<string, string>;
  module: string;
  /** The cheating module sources, one per attempt. */
  attacks: string[];
  /** The honest module, for the build after the attack. */
  honest: string;
}

/** Runs the attack and asserts everything the confinement promises; returns what happened for attack-specific checks. */
export async function runAttack(options: AttackOptions): Promise<AttackOutcome> {
  const repo = await createTempRepo(
    { ...options.files, '.env': `DB_PASSWORD=${SECRETS.dotenv}\n`, '.gitignore': '.env\n' },
    { commit: true },
  );
  await repo.git.addConfig('remote.origin.url', `https://x-access-token:${SECRETS.gitToken}@github.com/acme/app.git`);
  const outside = mkdtempSync(join(tmpdir(), 'ainative-attack-outside-'));
  writeFileSync(join(outside, 'canary.txt'), 'untouched\n');
  const before = snapshotTree(repo.root);
  const tier = tierSettings(options.tier);
  try {
    const attack = await build(
      repo,
      options.attacks.map((code) => codeReply(options.module, code)),
      tier,
      options.attacks.length,
    );
    expect(attack.exitCode, attack.stderr).not.toBe(0);
    expect(await repo.read(options.module)).toBeUndefined();
    expect(snapshotTree(repo.root)).toEqual(before);
    expect(readdirSync(outside)).toEqual(['canary.txt']);
    expect(readFileSync(join(outside, 'canary.txt'), 'utf8')).toBe('untouched\n');
    expectNoSecret([attack.stdout, attack.stderr, ...attack.requests.map((request) => JSON.stringify(request.body))]);
    expect(processesMentioning(repo.root)).toEqual([]);
    const honest = await build(repo, [codeReply(options.module, options.honest)], tier, 1);
    expect(honest.exitCode, honest.stderr).toBe(0);
    return { ...attack, repo };
  } finally {
    rmSync(outside, { recursive: true, force: true });
    tier.cleanup();
  }
}

export interface TierSettings {
  args: string[];
  env: Record<string, string>;
  cleanup(): void;
}

async function build(repo: TempRepo, replies: string[], tier: TierSettings, attempts: number) {
  const result = await runWithModel(
    repo,
    replies.map((content) => ({ content })),
    ['build', '--json', '--no-cache', '--max-attempts', String(attempts), ...tier.args],
    { OPENAI_API_KEY: SECRETS.apiKey, ...tier.env },
    { timeoutMs: 120_000 },
  );
  let failure = '';
  try {
    failure = (JSON.parse(result.stdout) as { modules: Array<{ failure?: string }> }).modules[0]?.failure ?? '';
  } catch {
    // Not JSON: the exit code and stderr tell the story.
  }
  return { ...result, failure };
}

/** What puts the build in a tier: the permission model is what `--sandbox auto` falls back to without bwrap on PATH. */
export function tierSettings(tier: Tier): TierSettings {
  if (tier === 'bwrap') return { args: ['--sandbox', 'required'], env: {}, cleanup: () => {} };
  const bin = createGitOnlyBin();
  return { args: ['--sandbox', 'auto'], env: { PATH: bin.dir }, cleanup: bin.cleanup };
}

/** Every file of the repo (outside .git and ainative's cache) with its bytes, and .git/config and hooks. */
function snapshotTree(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = prefix + entry.name;
      if (path === '.git' || path === '.ainative' || path === 'node_modules' || path === '.gitattributes' || path === 'ainative.lock')
        continue;
      if (entry.isDirectory()) walk(path, `${path}/`);
      else files[path] = readFileSync(join(root, path), 'utf8');
    }
  };
  walk('.', '');
  files['.git/config'] = readFileSync(join(root, '.git/config'), 'utf8');
  const hooks = join(root, '.git/hooks');
  if (existsSync(hooks)) for (const hook of readdirSync(hooks)) files[`.git/hooks/${hook}`] = readFileSync(join(hooks, hook), 'utf8');
  return files;
}

function expectNoSecret(texts: string[]): void {
  const joined = texts.join('\n');
  for (const [name, value] of Object.entries(SECRETS)) {
    for (const form of [value, ...encodedForms(value)]) expect(joined.includes(form), `${name} leaked as ${form}`).toBe(false);
  }
}
