import { EXIT } from '../core/errors.js';
import { initCommand } from '../commands/init.js';

/** Prints what `ainative init` created and what it left alone. */
export async function runInit(cwd: string, stdout: NodeJS.WriteStream): Promise<number> {
  const result = await initCommand(cwd);
  for (const file of result.created) stdout.write(`created  ${file}\n`);
  for (const file of result.updated) stdout.write(`updated  ${file}\n`);
  for (const file of result.kept) stdout.write(`kept     ${file} (already exists)\n`);
  stdout.write('\nNext: npx ainative build (builds the example, intents/greet.intent.md); then describe your own module in\n');
  stdout.write('intents/<id>.intent.md, write test/<id>.test.ts, and build again\n');
  return EXIT.ok;
}
