/** Exit codes, one per kind of outcome; documented in the README. */
export const EXIT = {
  ok: 0,
  testsFailing: 1,
  usage: 2,
  provider: 3,
  refused: 4,
  locked: 5,
  budget: 6,
  cacheMiss: 7,
  /** `ainative check`: the repo drifted from its lock (stale intent, hand edit, orphaned entry, untested bug). */
  drift: 8,
  /** A bug report could not be turned into a failing regression test; everything else built. */
  bugUnreproduced: 9,
  interrupted: 130,
  /** A bug in ainative itself (EX_SOFTWARE). */
  internal: 70,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error that stops the run, with the exit code it maps to. */
export class AinativeError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input: a malformed intent, config or flag. The message names the file and what is wrong. */
export class InputError extends AinativeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, EXIT.usage, options);
  }
}

/** The model provider could not answer (auth, quota, unreachable, retries exhausted). */
export class ProviderError extends AinativeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, EXIT.provider, options);
  }
}

/** ainative declines to act on this repo or environment (would overwrite human edits, not a repo, ...). */
export class RefusalError extends AinativeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, EXIT.refused, options);
  }
}

/** The user interrupted the run (SIGINT/SIGTERM). */
export class InterruptedError extends AinativeError {
  constructor(message = 'interrupted', options?: { cause?: unknown }) {
    super(message, EXIT.interrupted, options);
  }
}

/** A build budget (--max-tokens, --timeout) ran out; what finished is kept, the rest is not built. */
export class BudgetExceededError extends AinativeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, EXIT.budget, options);
  }
}
