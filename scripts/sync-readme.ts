// Rewrites the README's exit-code table from EXIT_CODES, where the codes and their meanings are declared once
// (`npm run readme`; src/cli/help-text.test.ts fails while the two differ).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readmeWithExitCodes } from '../src/cli/help-text.js';
import { REPO_ROOT } from './demo-project.js';

const file = join(REPO_ROOT, 'README.md');
const before = readFileSync(file, 'utf8');
const after = readmeWithExitCodes(before);
if (after !== before) writeFileSync(file, after);
process.stdout.write(after === before ? 'README.md: exit codes already up to date\n' : 'README.md: exit codes rewritten\n');
