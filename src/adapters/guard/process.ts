// Rules about the process object. Reading `process.env`, `process.argv` and the like is fine; reaching members that
// end, signal or rewire the test worker is not, and neither is handing the object around, because every alias
// (`const p = process`, `f(process)`, `const { ...rest } = process`) hides the member that is reached later.
import type { ts } from 'ts-morph';
import { accessOn, destructuredKeys, isInspectedOnly, memberName, REST_KEY } from './ast.js';
import type { GuardContext } from './context.js';
import { isMutatorTarget } from './mutators.js';

const ENDS_RUN = 'ends the test run early; throw an error instead';
const INTERNALS = "reaches Node internals behind the guard's back";
const IPC = 'talks to the test runner over its IPC channel; return results instead';

const DANGEROUS: Readonly<Record<string, string>> = {
  exit: `process.exit() ${ENDS_RUN}`,
  reallyExit: `process.reallyExit() ${ENDS_RUN}`,
  abort: 'process.abort() kills the test worker; throw an error instead',
  kill: 'process.kill() can signal the test runner; the module must not touch other processes',
  dlopen: 'process.dlopen() loads native code the guard cannot inspect',
  binding: `process.binding() ${INTERNALS}`,
  _linkedBinding: `process._linkedBinding() ${INTERNALS}`,
  getBuiltinModule: "process.getBuiltinModule() loads Node built-ins past the guard's import checks; import the module",
  mainModule: "process.mainModule exposes require(), which loads any file past the guard's import checks",
  send: `process.send() ${IPC}`,
  channel: `process.channel ${IPC}`,
  disconnect: `process.disconnect() ${IPC}`,
};

const ESCAPES =
  'process is used as a value (aliased, passed or spread), which hides later calls like process.exit(); read process.env or process.argv directly';
const COMPUTED = 'process[…] with a computed key can reach process.exit(); use a literal property name';
const REST = 'a rest pattern on process captures process.exit(); destructure only the members you need';

/** Why reaching member `name` of process is unsafe; undefined when it is fine. */
export function processMemberProblem(name: string): string | undefined {
  return Object.hasOwn(DANGEROUS, name) ? DANGEROUS[name] : undefined;
}

/** Judges one use of the process object. */
export function checkProcessUse(node: ts.Node, ctx: GuardContext): void {
  const access = accessOn(node);
  if (access) {
    const name = memberName(access);
    const problem = name === undefined ? COMPUTED : processMemberProblem(name);
    if (problem) ctx.report(access, problem);
    if (name === 'env') checkEnvRead(access, ctx);
    return;
  }
  // Mutator calls (`Object.defineProperty(process, …)`) get their own, more precise message.
  if (isInspectedOnly(node) || isMutatorTarget(node, ctx)) return;
  const keys = destructuredKeys(node);
  if (!keys) {
    ctx.report(node, ESCAPES);
    return;
  }
  for (const key of keys) {
    const problem = key === REST_KEY ? REST : key === undefined ? COMPUTED : processMemberProblem(key);
    if (problem) ctx.report(node, problem);
  }
}

// Reading the environment is fine, but the runner's own variables exist only to say "you are under test".
const RUNNER_ENV = /^(VITEST|JEST_WORKER_ID)/;

function checkEnvRead(env: ts.Node, ctx: GuardContext): void {
  const access = accessOn(env);
  const keys = access ? [memberName(access)] : (destructuredKeys(env) ?? []);
  const key = keys.find((k): k is string => typeof k === 'string' && RUNNER_ENV.test(k));
  if (key !== undefined) {
    ctx.report(env, `process.env.${key} tells the module it is under test; behave the same under test as in production`);
  }
}
