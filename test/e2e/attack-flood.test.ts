import { describe, expect, it } from 'vitest';
import { FLOOD, sumRepo } from '../helpers/attack-fixtures.js';
import { runAttack, type Tier } from '../helpers/attack-harness.js';
import { BWRAP_WORKS, warnSkipped } from '../helpers/bwrap.js';
import { SUM_RIGHT } from '../helpers/sum-fixture.js';

const TIERS: Tier[] = BWRAP_WORKS ? ['bwrap', 'permission'] : ['permission'];
warnSkipped('attack-flood under bubblewrap');

/** What ainative's own process may use whatever the code under test prints or throws. */
const MAX_PEAK_RSS_MB = 300;

describe.each(TIERS)('a module flooding the output and the failure messages (%s)', (tier) => {
  it('fails without ainative holding more than 300 MB', async () => {
    const outcome = await runAttack({ tier, files: sumRepo(), module: 'src/sum.ts', attacks: [FLOOD], honest: SUM_RIGHT });
    try {
      expect(outcome.exitCode).toBe(1);
      const report = JSON.parse(outcome.stdout) as { peakRssMb: number };
      expect(report.peakRssMb).toBeGreaterThan(0);
      expect(report.peakRssMb).toBeLessThan(MAX_PEAK_RSS_MB);
    } finally {
      outcome.repo.cleanup();
    }
  });
});
