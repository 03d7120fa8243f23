import { describe, expect, it } from 'vitest';
import { REACH_JUDGE, sumRepo } from '../helpers/attack-fixtures.js';
import { runAttack, type Tier } from '../helpers/attack-harness.js';
import { BWRAP_WORKS, warnSkipped } from '../helpers/bwrap.js';
import { SUM_RIGHT } from '../helpers/sum-fixture.js';

const TIERS: Tier[] = BWRAP_WORKS ? ['bwrap', 'permission'] : ['permission'];
warnSkipped('attack-judge-state under bubblewrap');

describe.each(TIERS)("a module looking for vitest's expect state, worker state and RPC (%s)", (tier) => {
  it('finds none of them, so it can neither answer per test name nor rewrite results', async () => {
    const outcome = await runAttack({ tier, files: sumRepo(), module: 'src/sum.ts', attacks: [REACH_JUDGE], honest: SUM_RIGHT });
    try {
      expect(outcome.exitCode).toBe(1);
      expect(outcome.failure).toContain('ATTACK REPORT');
      expect(outcome.failure).not.toContain('REACHED');
      expect(outcome.failure).toMatch(/global via arrow: blocked \(Function\.prototype\.constructor is not a valid constructor/);
      expect(outcome.failure).toMatch(/global via async: blocked/);
      expect(outcome.failure).toMatch(/global via class: blocked/);
    } finally {
      outcome.repo.cleanup();
    }
  });
});
