import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { forkAway, sumRepo } from '../helpers/attack-fixtures.js';
import { runAttack, type Tier } from '../helpers/attack-harness.js';
import { BWRAP_WORKS, warnSkipped } from '../helpers/bwrap.js';
import { processesMentioning } from '../helpers/processes.js';
import { SUM_RIGHT } from '../helpers/sum-fixture.js';

const TIERS: Tier[] = BWRAP_WORKS ? ['bwrap', 'permission'] : ['permission'];
warnSkipped('attack-processes under bubblewrap');

describe.each(TIERS)('a module granted child_process leaving a detached, double-forked process behind (%s)', (tier) => {
  it('leaves no process once the build is over', async () => {
    const marker = `ainative-orphan-${randomBytes(6).toString('hex')}`;
    const outcome = await runAttack({
      tier,
      files: sumRepo(['child_process']),
      module: 'src/sum.ts',
      attacks: [forkAway(marker)],
      honest: SUM_RIGHT,
    });
    try {
      expect(outcome.exitCode).toBe(1);
      expect(processesMentioning(marker)).toEqual([]);
    } finally {
      outcome.repo.cleanup();
    }
  });
});
