import { InputError } from '../core/errors.js';
import { promptSizeProblem } from '../core/agent/prompt-size.js';
import type { PromptTemplates } from '../core/agent/prompt.js';
import { readTests } from '../core/build/inputs.js';
import type { Intent } from '../core/project/intent.js';
import { createFsWorkspace } from '../adapters/repo/workspace.js';
import { testFileProblems } from '../adapters/project/test-files-check.js';
import type { Project } from './project.js';
import { assessProject } from './status.js';

export interface PreflightOptions {
  templates: PromptTemplates;
  /** Never put in a prompt, so not counted in one. */
  secretFiles: string[];
  /** The repo's own vitest config is in use, so bare imports may be its aliases. */
  configMayAlias: boolean;
  warn: (message: string) => void;
}

/**
 * Before any model call, stops the build on what only the user can fix and what would fail every attempt the same
 * way (tests that do not parse or import what is not there, a first prompt over maxPromptTokens): an input error
 * with one line per problem. Warns about what it builds anyway.
 */
export async function preflightBuild(project: Project, intents: Intent[], options: PreflightOptions): Promise<void> {
  const problems = testFileProblems({ root: project.root, intents, all: project.intents, configMayAlias: options.configMayAlias });
  const chosen = new Set(intents.map((intent) => intent.id));
  const stale = (await assessProject(project)).filter((status) => status.state === 'stale' && chosen.has(status.id));
  const workspace = createFsWorkspace(project.root);
  for (const { id } of stale) {
    const intent = project.intents.find((candidate) => candidate.id === id)!;
    if (intent.body === '')
      options.warn(`${intent.file}: describes no behaviour below its frontmatter; the model gets only the required exports and the tests`);
    const tests = (await readTests(workspace, intent)).filter((file) => !options.secretFiles.includes(file.path));
    // The declarations of used modules are known only once those are built: this counts without them, and the
    // build counts again with them before the intent's first request.
    const first = { templates: options.templates, intent, usedApis: [], tests, maxAttempts: project.config.maxAttempts };
    const tooLarge = promptSizeProblem(first, project.config.maxPromptTokens);
    if (tooLarge) problems.push(tooLarge);
  }
  if (problems.length > 0) throw new InputError(problems.join('\n'));
}
