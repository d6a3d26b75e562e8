import { describe } from 'node:test';
import { limitCases } from './conformance-limits.test-kit.js';
import { sessionCases } from './conformance-sessions.test-kit.js';
import { userCases } from './conformance-users.test-kit.js';
import type { AuthBackend } from './auth.test-kit.js';

export type { AuthBackend } from './auth.test-kit.js';

/**
 * The behaviour the multi-user core must have on every store backend (the `specTest` idea
 * of CONVENTIONS.md): every `AuthService` method, the one-admin rule, the login throttle,
 * token expiry and forgery, and the races (simultaneous requests at a rate-limit boundary,
 * repository claims at max − 1, admin promotions), split between two store instances where
 * the backend has them.
 *
 * @example
 * authConformance({ name: 'sqlite :memory:', open: () => openSqliteStore(':memory:') });
 */
export function authConformance(backend: AuthBackend): void {
  describe(`AuthService conformance: ${backend.name}`, () => {
    sessionCases(backend);
    limitCases(backend);
    userCases(backend);
  });
}
