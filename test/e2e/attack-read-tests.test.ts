import { describe, expect, it } from 'vitest';
import { READ_TESTS, sumRepo } from '../helpers/attack-fixtures.js';
import { runAttack, type Tier } from '../helpers/attack-harness.js';
import { BWRAP_WORKS, warnSkipped } from '../helpers/bwrap.js';
import { SUM_RIGHT } from '../helpers/sum-fixture.js';

const TIERS: Tier[] = BWRAP_WORKS ? ['bwrap', 'permission'] : ['permission'];
warnSkipped('attack-read-tests under bubblewrap');

describe.each(TIERS)('a module granted fs reading the tests and holdout tests (%s)', (tier) => {
  it('opens neither, by any path, symlink or descriptor, and cannot answer from their expectations', async () => {
    const outcome = await runAttack({ tier, files: sumRepo(['fs']), module: 'src/sum.ts', attacks: [READ_TESTS], honest: SUM_RIGHT });
    try {
      expect(outcome.exitCode).toBe(1);
      expect(outcome.failure).toContain('ATTACK REPORT');
      expect(outcome.failure).not.toContain('REACHED');
      expect(outcome.failure).toMatch(/url sum\.test\.ts: blocked \(EACCES/);
      expect(outcome.failure).toMatch(/proc cwd sum\.test\.ts: blocked \(EACCES/);
      expect(outcome.failure).toMatch(/symlink sum\.test\.ts: blocked/);
      expect(outcome.failure).toMatch(/descriptor sum\.test\.ts: blocked \(EACCES/);
    } finally {
      outcome.repo.cleanup();
    }
  });
});
