import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { plantEverywhere, sumRepo } from '../helpers/attack-fixtures.js';
import { runAttack, type Tier } from '../helpers/attack-harness.js';
import { BWRAP_WORKS, warnSkipped } from '../helpers/bwrap.js';
import { CLI_PATH } from '../helpers/run-cli.js';
import { SUM_RIGHT } from '../helpers/sum-fixture.js';

const TIERS: Tier[] = BWRAP_WORKS ? ['bwrap', 'permission'] : ['permission'];
warnSkipped('attack-planting under bubblewrap');

const hashOf = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe.each(TIERS)('a module granted fs planting files that would poison later builds (%s)', (tier) => {
  it('plants nothing: no hook, git config, vitest config, setup file, node_modules entry, compile cache entry or change to ainative itself', async () => {
    const cliBefore = hashOf(CLI_PATH);
    // runAttack compares every file of the repo, .git/config and the hooks before and after.
    const outcome = await runAttack({
      tier,
      files: sumRepo(['fs', 'process']),
      module: 'src/sum.ts',
      attacks: [plantEverywhere(CLI_PATH)],
      honest: SUM_RIGHT,
    });
    try {
      expect(outcome.exitCode).toBe(1);
      expect(outcome.failure).toContain('ATTACK REPORT');
      expect(outcome.failure).not.toContain('REACHED');
      expect(outcome.failure).toMatch(/compile cache: blocked \(EACCES: writing \S+\/scratch\/\.node-compile-cache is not/);
      expect(existsSync(join(outcome.repo.root, 'node_modules'))).toBe(false);
      expect(hashOf(CLI_PATH)).toBe(cliBefore);
    } finally {
      outcome.repo.cleanup();
    }
  });
});
