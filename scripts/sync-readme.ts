// Rewrites the README's generated tables (exit codes, settings) from the code that declares them once
// (`npm run readme`; scripts/readme-tables.test.ts fails while they differ).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readmeWithTables } from './readme-tables.js';
import { REPO_ROOT } from './demo-project.js';

const file = join(REPO_ROOT, 'README.md');
const before = readFileSync(file, 'utf8');
const after = readmeWithTables(before);
if (after !== before) writeFileSync(file, after);
process.stdout.write(after === before ? 'README.md: tables already up to date\n' : 'README.md: tables rewritten\n');
