import { RefusalError } from '../model/errors.js';

/*
 * The routes' refusals: RefusalErrors (one type with the auth core's, one status table in
 * model/errors.ts) with the hints a REST caller needs. The error handler renders each as
 * `{ error: { code, message, hint? } }`.
 */

/** 401: no valid credentials. */
export const unauthorized = (message: string, hint?: string): RefusalError =>
  new RefusalError(
    'UNAUTHORIZED',
    message,
    hint ?? 'send `Authorization: Bearer <token>`; get a token with POST /api/v1/auth/login',
  );

/** 403: authenticated, but not allowed. */
export const forbidden = (message: string, hint?: string): RefusalError =>
  new RefusalError('FORBIDDEN', message, hint);

/** 404: nothing (visible to the caller) at that address. */
export const notFound = (message: string, hint?: string): RefusalError =>
  new RefusalError('NOT_FOUND', message, hint);

/** 400: the request was understood but its content is refused. */
export const badRequest = (message: string, hint?: string): RefusalError =>
  new RefusalError('BAD_INPUT', message, hint);

/** 409: the resource is not in a state that allows this. */
export const conflict = (message: string, hint?: string): RefusalError =>
  new RefusalError('CONFLICT', message, hint);
