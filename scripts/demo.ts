// `npm run demo`: ainative builds examples/upload-service in a temp repo against a scripted model on loopback, then the
// generated upload handler answers real HTTP requests. Any step that does not happen as shown makes it exit non-zero.
import chalk from 'chalk';
import { startFakeModelServer, type FakeModelServer, type FakeRequest } from '../test/helpers/fake-model-server.js';
import { createDemoProject, removeDemoDirs, runCli, type DemoDirs } from './demo-project.js';
import { createScriptedModel, intentOf } from './demo-replies.js';
import { loadGenerated, postUpload, startUploadServer, type UploadServer } from './demo-serve.js';

const TOKENS = { 'demo-token-alice': 'alice' };
const ALICE = 'demo-token-alice';

/** A step of the demo that did not happen as shown. */
class DemoFailure extends Error {}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new DemoFailure(message);
}

function heading(text: string): void {
  console.log(`\n${chalk.bold.cyan('▶')} ${chalk.bold(text)}`);
}

function indent(text: string, prefix = '    '): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

async function main(): Promise<void> {
  const started = Date.now();
  console.log(chalk.bold('ainative demo: building examples/upload-service'));
  console.log(
    chalk.yellow(
      'This is a SCRIPTED DEMO MODEL: a local fake server replays canned replies. No API key is used and nothing leaves this machine.',
    ),
  );
  const dirs = await createDemoProject();
  const model = await startFakeModelServer({ respond: createScriptedModel() });
  let upload: UploadServer | undefined;
  try {
    await build(dirs, model);
    showRedAttempt(model.requests);
    await status(dirs, model);
    upload = await serve(dirs);
    await exercise(upload);
    console.log(
      chalk.green(`\n✔ demo finished in ${((Date.now() - started) / 1000).toFixed(1)}s: intents + tests in, a working upload service out.`),
    );
  } finally {
    await upload?.close();
    await model.close();
    await cleanUp(dirs);
  }
}

async function build(dirs: DemoDirs, model: FakeModelServer): Promise<void> {
  heading(`ainative build   ${chalk.dim(`(in ${dirs.project}, model at ${model.baseUrl})`)}`);
  const { exitCode } = await runCli(dirs.project, model.baseUrl, ['build']);
  check(exitCode === 0, `ainative build exited with code ${exitCode}`);
}

/** Prints the feedback the model got after its red attempt; the demo is about that loop, so it must have happened. */
function showRedAttempt(requests: FakeRequest[]): void {
  const retries = requests.filter((request) => messagesOf(request).some((message) => message.role === 'assistant'));
  check(retries.length > 0, 'the model log shows no retry: no attempt was red, so the feedback loop was not demonstrated');
  for (const retry of retries) {
    const feedback = messagesOf(retry).at(-1)?.content ?? '';
    heading(`what ainative told the model after its red attempt at '${intentOf(retry) ?? '?'}'`);
    console.log(chalk.dim(indent(trimLines(feedback.trim(), 30))));
  }
  const upload = retries.find((request) => intentOf(request) === 'upload');
  check(
    upload !== undefined && /403/.test(messagesOf(upload).at(-1)?.content ?? ''),
    'the upload retry did not carry the failing 403 expectation',
  );
}

function messagesOf(request: FakeRequest): Array<{ role: string; content: string }> {
  return Array.isArray(request.body?.messages) ? request.body.messages : [];
}

function trimLines(text: string, max: number): string {
  const lines = text.split('\n');
  return lines.length <= max ? text : [...lines.slice(0, max), `… (${lines.length - max} more lines)`].join('\n');
}

async function status(dirs: DemoDirs, model: FakeModelServer): Promise<void> {
  heading('ainative status');
  const { exitCode, stdout } = await runCli(dirs.project, model.baseUrl, ['status'], true);
  console.log(indent(stdout.trimEnd()));
  const intents = stdout
    .trim()
    .split('\n')
    .filter((line) => /^(fresh|stale)\b/.test(line));
  check(exitCode === 0, `ainative status exited with code ${exitCode}`);
  check(intents.length === 3 && intents.every((line) => line.startsWith('fresh')), 'ainative status does not show all three intents fresh');
}

async function serve(dirs: DemoDirs): Promise<UploadServer> {
  const generated = await loadGenerated(dirs.project, dirs.runtime);
  const server = await startUploadServer(generated, TOKENS);
  heading(`the generated handler, live on ${server.url}   ${chalk.dim(`(src/*.ts transpiled to ${dirs.runtime})`)}`);
  return server;
}

async function exercise(server: UploadServer): Promise<void> {
  const anonymous = await postUpload(server.url, 'hello from the demo');
  console.log(`    POST /upload  ${'(no Authorization header)'.padEnd(40)} → ${paint(anonymous.status)} ${JSON.stringify(anonymous.body)}`);
  check(anonymous.status === 403, `an upload without a token got ${anonymous.status}, not 403`);
  const alice = await postUpload(server.url, 'hello from the demo', ALICE);
  console.log(`    POST /upload  ${`Authorization: Bearer ${ALICE}`.padEnd(40)} → ${paint(alice.status)} ${JSON.stringify(alice.body)}`);
  check(
    alice.status === 201 && alice.body?.url === '/files/1',
    `an upload with a valid token got ${alice.status} ${JSON.stringify(alice.body)}, not 201 {"url":"/files/1"}`,
  );
}

function paint(status: number): string {
  return status < 300 ? chalk.green(String(status)) : chalk.yellow(String(status));
}

async function cleanUp(dirs: DemoDirs): Promise<void> {
  if (process.env.AINATIVE_KEEP_DEMO === '1') {
    console.log(chalk.dim(`\nkept the demo project (AINATIVE_KEEP_DEMO=1): ${dirs.base}`));
    return;
  }
  await removeDemoDirs(dirs);
}

try {
  await main();
} catch (error) {
  const message = error instanceof DemoFailure ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  console.error(chalk.red(`\n✖ demo failed: ${message}`));
  process.exitCode = 1;
}
