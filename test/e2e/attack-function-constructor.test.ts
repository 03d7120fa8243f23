import { describe, expect, it } from 'vitest';
import { FUNCTION_CONSTRUCTOR_ESCAPE, SUM_HONEST, sumRepo } from '../helpers/attack-fixtures.js';
import { bwrapWorks, runAttack, type Tier } from '../helpers/attack-harness.js';

const TIERS: Tier[] = bwrapWorks() ? ['bwrap', 'permission'] : ['permission'];
if (!TIERS.includes('bwrap')) console.warn('SKIPPED attack-function-constructor under bubblewrap: bwrap does not work on this machine');

describe.each(TIERS)('a module escaping through the Function constructor (%s)', (tier) => {
  it('reaches no process: every road is blocked and the build fails without a trace', async () => {
    const outcome = await runAttack({ tier, files: sumRepo(), module: 'src/sum.ts', attacks: [FUNCTION_CONSTRUCTOR_ESCAPE], honest: SUM_HONEST });
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
