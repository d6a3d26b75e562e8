import { createHash, randomBytes } from 'node:crypto';

/** Every token starts with this, so leaked tokens are easy to recognise (secret scanners). */
export const TOKEN_PREFIX = 'rr_';

/** Bytes of randomness in a token: 256 bits (issue #6; OWASP Session Management: at least 64). */
export const TOKEN_BYTES = 32;

/** `rr_` and 43 base64url characters (32 bytes without padding). */
const TOKEN_PATTERN = /^rr_[A-Za-z0-9_-]{43}$/;

/** Default session lifetime: 7 days, in ms. */
export const SESSION_TTL_MS_DEFAULT = 7 * 24 * 3600 * 1000;

/** Default API token lifetime, in days. */
export const API_TOKEN_TTL_DAYS_DEFAULT = 90;

/** Longest API token lifetime accepted, in days. */
export const API_TOKEN_TTL_DAYS_MAX = 365;

/** A new bearer token: `rr_` + base64url of 32 random bytes (from the OS CSPRNG). */
export function newToken(): string {
  return TOKEN_PREFIX + randomBytes(TOKEN_BYTES).toString('base64url');
}

/**
 * What the store keeps of a token: its SHA-256, hex. A fast hash is enough here (unlike for
 * passwords) because the token has 256 bits of entropy, so it cannot be guessed offline.
 */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** True when `token` has the shape of one of ours; anything else is refused without a lookup. */
export function isWellFormedToken(token: unknown): token is string {
  return typeof token === 'string' && TOKEN_PATTERN.test(token);
}

/** A random id for users, tokens and other rows: 128 bits, base64url (22 characters). */
export function newId(): string {
  return randomBytes(16).toString('base64url');
}
