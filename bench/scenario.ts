import type { TempSpace } from './repos.js';
import type { Row } from './table.js';

/** What one scenario hands back: table rows and sentences for the notes under the table. */
export interface ScenarioResult {
  rows: Row[];
  notes: string[];
}

/** A scenario: a name for the table and a function that measures it in its own temp folders. */
export interface Scenario {
  key: string;
  title: string;
  run(space: TempSpace, log: (line: string) => void): Promise<ScenarioResult>;
}
