import { describe, expect, it } from 'vitest';
import { FUNCTION_CONSTRUCTOR_ESCAPE, sumRepo } from '../helpers/attack-fixtures.js';
import { runAttack, type Tier } from '../helpers/attack-harness.js';
import { BWRAP_WORKS, warnSkipped } from '../helpers/bwrap.js';
import { SUM_RIGHT } from '../helpers/sum-fixture.js';

const TIERS: Tier[] = BWRAP_WORKS ? ['bwrap', 'permission'] : ['permission'];
warnSkipped('attack-function-constructor under bubblewrap');

describe.each(TIERS)('a module escaping through the Function constructor (%s)', (tier) => {
  it('reaches no process: every road is blocked and the build fails without a trace', async () => {
    const outcome = await runAttack({
      tier,
      files: sumRepo(),
      module: 'src/sum.ts',
      attacks: [FUNCTION_CONSTRUCTOR_ESCAPE],
      honest: SUM_RIGHT,
    });
    try {
      expect(outcome.exitCode).toBe(1);
      expect(outcome.failure).toContain('ATTACK REPORT');
      expect(outcome.failure).not.toContain('REACHED');
      expect(outcome.failure).toMatch(/arrow: blocked \(Function\.prototype\.constructor is not a valid constructor/);
    } finally {
      outcome.repo.cleanup();
    }
  });
});
