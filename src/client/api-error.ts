import { ERROR_CODES, RepoRunnerError, type ErrorCode } from '../model/errors.js';

const BY_STATUS: Record<number, ErrorCode> = {
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  429: 'RATE_LIMITED',
};

/**
 * An error answer of the server as a RepoRunnerError: the server's code when the CLI knows it
 * (so the exit code matches a local run's), else one by HTTP status.
 */
export class ApiError extends RepoRunnerError {
  constructor(
    readonly status: number,
    body: unknown,
  ) {
    const e = (body as { error?: { code?: unknown; message?: unknown; hint?: unknown } } | null)
      ?.error;
    const given = typeof e?.code === 'string' ? e.code : '';
    const code: ErrorCode =
      given in ERROR_CODES
        ? (given as ErrorCode)
        : (BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'BAD_INPUT'));
    super(
      code,
      typeof e?.message === 'string' ? e.message : `the server answered ${status}`,
      typeof e?.hint === 'string' ? e.hint : undefined,
    );
    this.name = 'ApiError';
  }
}

/** The server could not be reached at all. */
export function unreachable(baseUrl: string, err: unknown): RepoRunnerError {
  const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
  return new RepoRunnerError(
    'BAD_INPUT',
    `cannot reach the Repo Runner server at ${baseUrl} (${cause})`,
    'start it with `repo-runner serve`, or check --server / REPO_RUNNER_SERVER',
    { cause: err },
  );
}
