// Which files in the repo count as secrets that the sandbox masks (SandboxedRunnerOptions.hiddenPaths).
import { glob } from 'tinyglobby';

/** Names of files that hold credentials by convention. */
export const SECRET_PATTERNS = ['**/.env*', '**/*.pem', '**/*.key', '**/*.p12', '**/*.pfx', '**/.npmrc', '**/.netrc', '**/id_rsa*', '**/id_ed25519*'];
/** Folders not worth scanning: dependencies and VCS data (the repo is read-only in the sandbox anyway). */
const SKIPPED = ['**/node_modules/**', '**/.git/**'];

/** Absolute paths of the secret files in `root`, for `hiddenPaths`. */
export function findSecretFiles(root: string): Promise<string[]> {
  return glob(SECRET_PATTERNS, { cwd: root, absolute: true, dot: true, onlyFiles: true, followSymbolicLinks: false, ignore: SKIPPED });
}
