import { describe, expect, it } from 'vitest';
import { MATCHER_CHEATS, PAIR_HONEST, pairRepo } from '../helpers/attack-fixtures.js';
import { runAttack, type Tier } from '../helpers/attack-harness.js';
import { BWRAP_WORKS, warnSkipped } from '../helpers/bwrap.js';

const TIERS: Tier[] = BWRAP_WORKS ? ['bwrap', 'permission'] : ['permission'];
warnSkipped('attack-matchers under bubblewrap');

describe.each(TIERS)('modules returning values that answer the matchers themselves (%s)', (tier) => {
  it('fail every equality, snapshot, spy and throw assertion they try to pass', async () => {
    const outcome = await runAttack({ tier, files: pairRepo(), module: 'src/pair.ts', attacks: MATCHER_CHEATS, honest: PAIR_HONEST });
    try {
      expect(outcome.exitCode).toBe(1);
      // Each attempt's feedback names the untrusted value; the second and third replies were told about the first two.
      const feedback =
        outcome.requests
          .slice(1)
          .map((request) => JSON.stringify(request.body))
          .join('\n') + outcome.failure;
      expect(feedback).toContain("has a 'asymmetricMatch' property");
      expect(feedback).toContain('defines Symbol.hasInstance');
    } finally {
      outcome.repo.cleanup();
    }
  });
});
