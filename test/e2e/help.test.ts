import { afterEach, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { createTempRepo, type TempRepo } from '../helpers/temp-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

it('ainative --help and ainative build --help list the environment variables, the exit codes with their meanings, and examples', async () => {
  repo = await createTempRepo();
  for (const args of [['--help'], ['build', '--help']]) {
    const help = await runCli(args, { cwd: repo.root });

    expect(help.exitCode).toBe(0);
    const section = (title: string) => help.stdout.split(`\n${title}\n`)[1]?.split('\n\n')[0] ?? '';
    expect(
      section('Environment:')
        .match(/^ {2}[A-Z_]+/gm)
        ?.map((name) => name.trim()),
    ).toEqual(['AINATIVE_MODEL', 'OPENAI_BASE_URL', 'OPENAI_API_KEY', 'NO_COLOR']);
    expect(
      section('Exit codes:')
        .match(/^ {2}\d+/gm)
        ?.map(Number),
    ).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 70, 130]);
    expect(section('Exit codes:')).toMatch(/^ {2}2 +usage or input error: bad flag/m);
    expect(section('Exit codes:')).toMatch(/^ {2}130 +interrupted \(SIGINT\/SIGTERM\)/m);
    expect(section('Examples:')).toMatch(/^ {2}# .+\n {2}(\S+=\S+ )*ainative \w+/m);
  }
  const status = await runCli(['status', '--help'], { cwd: repo.root });
  expect(status.stdout).not.toContain('Exit codes:');
});
