import { InputError } from '../core/errors.js';
import type { Intent } from '../core/project/intent.js';
import { selectByIds } from '../core/build/select.js';
import type { Project } from './project.js';

/** The intents named on the command line with what they use; every intent when none is named. Unknown ids are a usage error. */
export function namedIntents(project: Project, ids: readonly string[] | undefined): Intent[] {
  if (!ids || ids.length === 0) return project.intents;
  const { intents, unknown } = selectByIds(ids, project.intents);
  if (unknown.length > 0) {
    const known = project.intents.map((intent) => intent.id).join(', ');
    const names = unknown.map((id) => `'${id}'`).join(', ');
    throw new InputError(
      `unknown intent${unknown.length > 1 ? 's' : ''} ${names}: no ${unknown.map((id) => `${project.config.intentsDir}/${id}.intent.md`).join(', ')} (intents: ${known})`,
    );
  }
  return intents;
}
