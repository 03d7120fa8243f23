import { checkCommand } from '../commands/check.js';

/** Prints `ainative check`: a line per problem, or the test count when clean. */
export async function runCheck(cwd: string, json: boolean, stdout: NodeJS.WriteStream): Promise<number> {
  const result = await checkCommand(cwd, {});
  if (json) {
    stdout.write(`${JSON.stringify({ ok: result.exitCode === 0, problems: result.problems, tests: result.tests ?? null }, null, 2)}\n`);
    return result.exitCode;
  }
  for (const problem of result.problems) stdout.write(`✖ ${problem.file}: ${problem.message}\n`);
  if (result.tests) stdout.write(`tests: ${result.tests.passed} passed, ${result.tests.failed} failed\n`);
  stdout.write(result.exitCode === 0 ? 'ainative check passed\n' : `ainative check failed (exit ${result.exitCode})\n`);
  return result.exitCode;
}
