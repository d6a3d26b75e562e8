import type { IssuedToken, User, Usage } from '../auth/types.js';
import type { Report } from '../model/report.js';
import { ApiError, unreachable } from './api-error.js';
import { readSse, type SseEvent } from './sse-reader.js';

/** A run as the API lists it. */
export interface ApiRun {
  id: string;
  status: string;
  source: string;
  userId: string | null;
  createdAt: string;
  updatedAt: string;
  services: Array<{ name: string; url: string | null; health: string }>;
}

/** A run with its phases and report (`GET /runs/:id`). */
export interface ApiRunDetail extends ApiRun {
  phases: Array<{ name: string; status: string; durationMs: number | null }>;
  report: Report | null;
}

/**
 * A thin client of the REST API (`/api/v1`) for the CLI. Errors come back as `ApiError`
 * (the server's `{ error: { code, message, hint } }`), an unreachable server as a
 * RepoRunnerError saying so.
 *
 * @example
 * const api = new ApiClient('http://127.0.0.1:7878', token);
 * const run = await api.createRun({ source: 'https://host/org/app.git' });
 */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      ...extra,
    };
  }

  private async fetch(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(`${this.baseUrl}/api/v1${path}`, init);
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw unreachable(this.baseUrl, err);
    }
  }

  /** One JSON request; resolves with the parsed body (undefined for 204). */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.fetch(path, {
      method,
      headers: this.headers(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: reported below by status */
    }
    if (!res.ok) throw new ApiError(res.status, parsed);
    return parsed as T;
  }

  register = (username: string, password: string) =>
    this.request<IssuedToken>('POST', '/auth/register', { username, password });
  login = (username: string, password: string) =>
    this.request<IssuedToken>('POST', '/auth/login', { username, password });
  logout = () => this.request<void>('POST', '/auth/logout');
  me = () =>
    this.request<{
      user: User;
      usage: Usage;
      tier: { name: string; requestsPerHour: number; maxRepos: number };
    }>('GET', '/me');
  createRun = (body: { source: string; options?: Record<string, unknown> }) =>
    this.request<ApiRun>('POST', '/runs', body);
  listRuns = (limit: number) => this.request<{ runs: ApiRun[] }>('GET', `/runs?limit=${limit}`);
  getRun = (id: string) => this.request<ApiRunDetail>('GET', `/runs/${encodeURIComponent(id)}`);
  stopRun = (id: string) =>
    this.request<ApiRun & { stoppedGroups: number }>(
      'POST',
      `/runs/${encodeURIComponent(id)}/stop`,
    );
  plan = (body: { source: string; overrides?: Record<string, unknown> }) =>
    this.request<unknown>('POST', '/plans', body);

  /**
   * The run's events (SSE), backlog then live, until the run ends, the server closes the
   * stream or `signal` aborts.
   */
  async *events(
    id: string,
    opts: { signal?: AbortSignal; lastEventId?: string; service?: string } = {},
  ): AsyncGenerator<SseEvent> {
    const query = opts.service ? `?service=${encodeURIComponent(opts.service)}` : '';
    const res = await this.fetch(`/runs/${encodeURIComponent(id)}/logs${query}`, {
      headers: this.headers({
        accept: 'text/event-stream',
        ...(opts.lastEventId ? { 'last-event-id': opts.lastEventId } : {}),
      }),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (!res.ok || !res.body)
      throw new ApiError(res.status, await res.json().catch(() => undefined));
    yield* readSse(res.body);
  }
}
