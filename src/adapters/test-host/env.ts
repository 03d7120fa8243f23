// The environment the test host gets: an allow-list, because test code and the module under test are untrusted
// and the parent's environment holds the provider's API key.

/** Variables passed through by exact name. */
const ALLOWED_NAMES = new Set(['PATH', 'LANG', 'TZ', 'TERM', 'NODE_ENV', 'CI']);
/** Variables passed through by prefix (locale settings). */
const ALLOWED_PREFIXES = ['LC_'];
/** Never passed, even when an allowed name or prefix matches (e.g. `LC_API_TOKEN`). */
const DENIED = /(_KEY$|_KEY_|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|^OPENAI_)/i;

/** What the host's environment must point at instead of the user's own folders. */
export interface EnvOverrides {
  /** The scratch folder, the only writable place that outlives nothing. */
  tmpdir: string;
  /** The home folder as the host should see it (a hidden empty tmpfs under bwrap). */
  home: string;
}

/** The parent's environment reduced to the allow-list, with TMPDIR and HOME replaced. */
export function scrubEnv(env: NodeJS.ProcessEnv, overrides: EnvOverrides): Record<string, string> {
  const scrubbed: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !isAllowed(name)) continue;
    scrubbed[name] = value;
  }
  scrubbed.TMPDIR = overrides.tmpdir;
  scrubbed.HOME = overrides.home;
  return scrubbed;
}

function isAllowed(name: string): boolean {
  if (DENIED.test(name)) return false;
  return ALLOWED_NAMES.has(name) || ALLOWED_PREFIXES.some((prefix) => name.startsWith(prefix));
}
