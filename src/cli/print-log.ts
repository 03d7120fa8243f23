import { EXIT } from '../core/errors.js';
import { logCommand } from '../commands/log.js';
import { formatAttempt } from './print-transcript.js';

export interface LogCliOptions {
  cwd: string;
  intent?: string;
  attempt?: number;
  json: boolean;
  stdout: NodeJS.WritableStream;
}

/** Prints `ainative log`; exit code 0 whether or not a build was recorded. */
export async function runLog(options: LogCliOptions): Promise<number> {
  const { build, attempts } = await logCommand(options.cwd, { intent: options.intent, attempt: options.attempt });
  if (options.json) {
    options.stdout.write(`${JSON.stringify({ build: build ?? null, attempts }, null, 2)}\n`);
    return EXIT.ok;
  }
  if (!build) {
    const which = options.intent ? ` for ${options.intent}` : '';
    options.stdout.write(`no build transcript${which}: ainative log shows what the last builds asked the model and heard back\n`);
    return EXIT.ok;
  }
  options.stdout.write(`build started ${build.startedAt} · model ${build.model}\n`);
  if (attempts.length === 0) options.stdout.write(`no attempt ${options.attempt} in that build\n`);
  for (const record of attempts) options.stdout.write(`\n${formatAttempt(record)}`);
  return EXIT.ok;
}
