import type { ProcessResult } from './process-result.js';

/**
 * Error codes Repo Runner raises, each with the process exit code the CLI returns for it.
 * The table is the single source of the exit codes documented in the README.
 */
export const ERROR_CODES = {
  INTERNAL: 1,
  BAD_INPUT: 2,
  NOTHING_TO_RUN: 3,
  FETCH_FAILED: 4,
  TOOLCHAIN_MISSING: 5,
  INSTALL_FAILED: 6,
  BUILD_FAILED: 7,
  START_FAILED: 8,
  UNHEALTHY: 9,
  RUN_NOT_FOUND: 10,
  DATABASE_FAILED: 11,
  MIGRATION_FAILED: 12,
  UNAUTHORIZED: 13,
  FORBIDDEN: 14,
  NOT_FOUND: 15,
  CONFLICT: 16,
  RATE_LIMITED: 17,
  AGENT_FAILED: 18,
  INTERRUPTED: 130,
} as const;

/** One of the typed error codes of {@link ERROR_CODES}. */
export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * Base error of Repo Runner: a typed `code` (which decides the exit code) and a `hint`
 * telling the user what to do next.
 *
 * @example
 * throw new RepoRunnerError('BAD_INPUT', 'path /x does not exist', 'check the path and try again');
 */
export class RepoRunnerError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    hint?: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RepoRunnerError';
    this.code = code;
    this.hint = hint;
    this.details = options?.details;
  }

  /** The process exit code for this error (see README "Exit codes"). */
  get exitCode(): number {
    return ERROR_CODES[this.code];
  }
}

/**
 * The HTTP status the REST API answers each refusal code with: one table for every refusal,
 * whoever raises it (the auth core, a route, the run API). Codes not listed are failures of
 * Repo Runner itself and answer 500.
 */
export const REFUSAL_STATUS = {
  BAD_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  RUN_NOT_FOUND: 404,
  CONFLICT: 409,
  NOTHING_TO_RUN: 422,
  RATE_LIMITED: 429,
} as const satisfies Partial<Record<ErrorCode, number>>;

/** One of the codes of {@link REFUSAL_STATUS}. */
export type RefusalCode = keyof typeof REFUSAL_STATUS;

/** The HTTP status of a refusal code, or undefined for any other code. */
export const refusalStatus = (code: ErrorCode): number | undefined =>
  (REFUSAL_STATUS as Partial<Record<ErrorCode, number>>)[code];

/**
 * A refusal of a request (bad input, no credentials, not allowed, not found, taken, too
 * many): its `status` comes from {@link REFUSAL_STATUS}; `retryAfterSeconds` is set on 429s
 * (for `Retry-After`). The one error type the auth core and the server's routes throw.
 *
 * @example
 * throw new RefusalError('CONFLICT', 'username alice is taken', 'choose another username');
 */
export class RefusalError extends RepoRunnerError {
  declare readonly code: RefusalCode;
  /** HTTP status: 400, 401, 403, 404, 409, 422 or 429. */
  readonly status: number;
  /** Whole seconds until a retry can succeed; only on `RATE_LIMITED`. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: RefusalCode,
    message: string,
    hint?: string,
    options?: { retryAfterSeconds?: number; details?: Record<string, unknown>; cause?: unknown },
  ) {
    super(code, message, hint, options);
    this.name = 'RefusalError';
    this.status = REFUSAL_STATUS[code];
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

/** A failure retrying cannot fix (bad input, unsupported repo): the orchestrator does not retry. */
export class UnrecoverableError extends RepoRunnerError {
  constructor(code: ErrorCode, message: string, hint?: string, options?: { cause?: unknown }) {
    super(code, message, hint, options);
    this.name = 'UnrecoverableError';
  }
}

/** A failure a fix might repair (missing module, port taken): the FixerAgent gets a chance. */
export class NeedsFixError extends RepoRunnerError {
  constructor(
    code: ErrorCode,
    message: string,
    hint?: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(code, message, hint, options);
    this.name = 'NeedsFixError';
  }
}

/**
 * A command step (install, build, migration, fix) that failed: the finished process as data
 * and the log file holding its whole output. The FixerAgent classifies on `result`'s fields
 * (spawn error, exit code, signal, timeout), never on the message, which is only for people.
 *
 * @example
 * throw new StepFailedError('BUILD_FAILED', 'build failed (exit 1): npm run build', hint, {
 *   result,
 *   logFile: '/runs/r1/logs/build-web.log',
 * });
 */
export class StepFailedError extends NeedsFixError {
  readonly result: ProcessResult;
  readonly logFile: string;
  /** The service whose step failed, when the step was one service's. */
  readonly service: string | null;

  constructor(
    code: ErrorCode,
    message: string,
    hint: string | undefined,
    options: { result: ProcessResult; logFile: string; service?: string; cause?: unknown },
  ) {
    super(code, message, hint, {
      cause: options.cause,
      details: { logFile: options.logFile },
    });
    this.name = 'StepFailedError';
    this.result = options.result;
    this.logFile = options.logFile;
    this.service = options.service ?? null;
  }
}

/** Wraps any thrown value as a RepoRunnerError (unknown errors become INTERNAL). */
export function toRepoRunnerError(err: unknown): RepoRunnerError {
  if (err instanceof RepoRunnerError) return err;
  if (err instanceof Error && err.name === 'AbortError') {
    return new RepoRunnerError(
      'INTERRUPTED',
      'the run was interrupted',
      'resume it with `repo-runner resume <run-id>`',
      { cause: err },
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return new RepoRunnerError(
    'INTERNAL',
    message,
    'this is a bug in Repo Runner: run again with --verbose and report it',
    { cause: err },
  );
}
