/**
 * A refusal of the REST API: an HTTP status, a stable machine-readable `code`, a message
 * that says what was wrong and a hint that says what to do. The error handler renders it as
 * `{ error: { code, message, hint? } }`.
 *
 * @example
 * throw new HttpError(404, 'NOT_FOUND', `no run with id ${id}`, 'list your runs with GET /api/v1/runs');
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** 401: no valid credentials. */
export const unauthorized = (message: string, hint?: string): HttpError =>
  new HttpError(
    401,
    'UNAUTHORIZED',
    message,
    hint ?? 'send `Authorization: Bearer <token>`; get a token with POST /api/v1/auth/login',
  );

/** 403: authenticated, but not allowed. */
export const forbidden = (message: string, hint?: string): HttpError =>
  new HttpError(403, 'FORBIDDEN', message, hint);

/** 404: nothing (visible to the caller) at that address. */
export const notFound = (message: string, hint?: string): HttpError =>
  new HttpError(404, 'NOT_FOUND', message, hint);

/** 400: the request was understood but its content is refused. */
export const badRequest = (message: string, hint?: string): HttpError =>
  new HttpError(400, 'BAD_INPUT', message, hint);

/** 409: the resource is not in a state that allows this. */
export const conflict = (message: string, hint?: string): HttpError =>
  new HttpError(409, 'CONFLICT', message, hint);
