import { describe, expect, it } from 'vitest';
import { STEAL_SECRETS, sumRepo } from '../helpers/attack-fixtures.js';
import { runAttack, type Tier } from '../helpers/attack-harness.js';
import { BWRAP_WORKS, warnSkipped } from '../helpers/bwrap.js';
import { SUM_RIGHT } from '../helpers/sum-fixture.js';

const TIERS: Tier[] = BWRAP_WORKS ? ['bwrap', 'permission'] : ['permission'];
warnSkipped('attack-secrets under bubblewrap');

describe.each(TIERS)('a module granted fs stealing credentials and leaking them disguised (%s)', (tier) => {
  it('reads no .git, .env or environment, and nothing secret reaches a request in any encoding', async () => {
    // runAttack itself checks every request and the output for each secret, raw, reversed, hex, base64 and URL-encoded.
    const outcome = await runAttack({ tier, files: sumRepo(['fs']), module: 'src/sum.ts', attacks: [STEAL_SECRETS], honest: SUM_RIGHT });
    try {
      expect(outcome.exitCode).toBe(1);
      expect(outcome.failure).toContain('LOOT');
      expect(outcome.failure).toMatch(/git config: blocked \(EACCES/);
      expect(outcome.failure).toMatch(/dotenv: blocked \(EACCES/);
    } finally {
      outcome.repo.cleanup();
    }
  });
});
