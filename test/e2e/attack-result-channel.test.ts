import { describe, expect, it } from 'vitest';
import { FORGE_RESULT, sumRepo } from '../helpers/attack-fixtures.js';
import { runAttack, type Tier } from '../helpers/attack-harness.js';
import { BWRAP_WORKS, warnSkipped } from '../helpers/bwrap.js';
import { SUM_RIGHT } from '../helpers/sum-fixture.js';

const TIERS: Tier[] = BWRAP_WORKS ? ['bwrap', 'permission'] : ['permission'];
warnSkipped('attack-result-channel under bubblewrap');

describe.each(TIERS)("a module granted fs forging the test host's answer (%s)", (tier) => {
  it("writes to none of the host's descriptors and reads no /proc file", async () => {
    const outcome = await runAttack({ tier, files: sumRepo(['fs']), module: 'src/sum.ts', attacks: [FORGE_RESULT], honest: SUM_RIGHT });
    try {
      expect(outcome.exitCode).toBe(1);
      expect(outcome.failure).toContain('ATTACK REPORT');
      expect(outcome.failure).not.toContain('REACHED');
      expect(outcome.failure).toMatch(/fd 3: blocked \(EACCES: file descriptor 3 was not opened by this module/);
      expect(outcome.failure).toMatch(/proc fd: blocked \(EACCES/);
    } finally {
      outcome.repo.cleanup();
    }
  });
});
