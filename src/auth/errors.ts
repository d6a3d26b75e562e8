import { RefusalError } from '../model/errors.js';

/** 400: the input is malformed (the message names the field and the rule). */
export const badInput = (message: string, hint: string): RefusalError =>
  new RefusalError('BAD_INPUT', message, hint);

/**
 * 401 for a failed login. One message for an unknown username and a wrong password, so the
 * answer never tells whether a username exists.
 */
export const invalidCredentials = (): RefusalError =>
  new RefusalError(
    'UNAUTHORIZED',
    'wrong username or password',
    'check both and try again; repeated failures are slowed down',
  );

/** 401 for a bearer token that is unknown, forged, revoked or expired. */
export const invalidToken = (why = 'unknown, revoked or expired'): RefusalError =>
  new RefusalError(
    'UNAUTHORIZED',
    `the token is ${why}`,
    'log in again to get a new session token (or create a new API token)',
  );

/** 403: the principal's tier lacks `what`. */
export const forbidden = (message: string, hint: string): RefusalError =>
  new RefusalError('FORBIDDEN', message, hint);

/** 404: no user with that id. */
export const userNotFound = (id: string): RefusalError =>
  new RefusalError('NOT_FOUND', `no user with id ${id}`, 'list users to find the right id');

/** 409: the change conflicts with the current state (taken name, one-admin rule). */
export const conflict = (message: string, hint: string): RefusalError =>
  new RefusalError('CONFLICT', message, hint);

/** 429 with the seconds to wait (at least 1). */
export const rateLimited = (
  message: string,
  hint: string,
  retryAfterSeconds: number,
): RefusalError =>
  new RefusalError('RATE_LIMITED', message, hint, {
    retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)),
  });
