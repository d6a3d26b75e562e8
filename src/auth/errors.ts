import { RepoRunnerError, type ErrorCode } from '../model/errors.js';

/** The error codes the multi-user core raises, each with its HTTP status. */
export const AUTH_STATUS = {
  BAD_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
} as const satisfies Partial<Record<ErrorCode, number>>;

/** One of the codes of {@link AUTH_STATUS}. */
export type AuthErrorCode = keyof typeof AUTH_STATUS;

/**
 * A refusal of the multi-user core: a typed `code`, the HTTP `status` the REST API answers
 * with (the server's error handler reads `status`), a message saying what was wrong and a
 * `hint` saying what to do. `retryAfterSeconds` is set on 429s (for `Retry-After`).
 *
 * @example
 * throw new AuthError('CONFLICT', 'username alice is taken', 'choose another username');
 */
export class AuthError extends RepoRunnerError {
  declare readonly code: AuthErrorCode;
  /** HTTP status: 400, 401, 403, 404, 409 or 429. */
  readonly status: number;
  /** Whole seconds until a retry can succeed; only on `RATE_LIMITED`. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: AuthErrorCode,
    message: string,
    hint: string,
    options?: { retryAfterSeconds?: number; details?: Record<string, unknown>; cause?: unknown },
  ) {
    super(code, message, hint, options);
    this.name = 'AuthError';
    this.status = AUTH_STATUS[code];
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

/** 400: the input is malformed (the message names the field and the rule). */
export const badInput = (message: string, hint: string): AuthError =>
  new AuthError('BAD_INPUT', message, hint);

/**
 * 401 for a failed login. One message for an unknown username and a wrong password, so the
 * answer never tells whether a username exists.
 */
export const invalidCredentials = (): AuthError =>
  new AuthError(
    'UNAUTHORIZED',
    'wrong username or password',
    'check both and try again; repeated failures are slowed down',
  );

/** 401 for a bearer token that is unknown, forged, revoked or expired. */
export const invalidToken = (why = 'unknown, revoked or expired'): AuthError =>
  new AuthError(
    'UNAUTHORIZED',
    `the token is ${why}`,
    'log in again to get a new session token (or create a new API token)',
  );

/** 403: the principal's tier lacks `what`. */
export const forbidden = (message: string, hint: string): AuthError =>
  new AuthError('FORBIDDEN', message, hint);

/** 404: no user with that id. */
export const userNotFound = (id: string): AuthError =>
  new AuthError('NOT_FOUND', `no user with id ${id}`, 'list users to find the right id');

/** 409: the change conflicts with the current state (taken name, one-admin rule). */
export const conflict = (message: string, hint: string): AuthError =>
  new AuthError('CONFLICT', message, hint);

/** 429 with the seconds to wait (at least 1). */
export const rateLimited = (message: string, hint: string, retryAfterSeconds: number): AuthError =>
  new AuthError('RATE_LIMITED', message, hint, {
    retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)),
  });
