import { badInput } from './errors.js';
import { isTierName, TIER_NAMES } from './tiers.js';
import type { TierName } from './types.js';

/** Usernames: 3 to 64 characters from `A-Z a-z 0-9 _ . -`, compared case-insensitively. */
export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{3,64}$/;

/**
 * Longest password accepted, in characters (Unicode code points). OWASP Password Storage
 * Cheat Sheet: set a maximum to stop long-password denial of service; 64 or more.
 */
export const PASSWORD_MAX_LENGTH = 128;

/** Default shortest password, in characters (issue #6; NIST SP 800-63B asks for at least 8). */
export const PASSWORD_MIN_LENGTH_DEFAULT = 12;

/** The environment variable that sets the shortest password accepted (8 to 128). */
export const PASSWORD_MIN_LENGTH_VAR = 'REPO_RUNNER_PASSWORD_MIN_LENGTH';

/**
 * The shortest password accepted: `REPO_RUNNER_PASSWORD_MIN_LENGTH` when set, else 12.
 *
 * @throws RefusalError `BAD_INPUT` (400) when the variable is not a whole number from 8 to 128.
 */
export function passwordMinLengthFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[PASSWORD_MIN_LENGTH_VAR]?.trim();
  if (!raw) return PASSWORD_MIN_LENGTH_DEFAULT;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 8 || n > PASSWORD_MAX_LENGTH)
    throw badInput(
      `${PASSWORD_MIN_LENGTH_VAR} is ${JSON.stringify(raw)}, not a whole number from 8 to ${PASSWORD_MAX_LENGTH}`,
      `set ${PASSWORD_MIN_LENGTH_VAR} to e.g. 12, or unset it for the default (${PASSWORD_MIN_LENGTH_DEFAULT})`,
    );
  return n;
}

/**
 * Checks a username and returns it unchanged.
 *
 * @throws RefusalError `BAD_INPUT` when it is not a string of 3-64 `[A-Za-z0-9_.-]` characters.
 */
export function validateUsername(value: unknown): string {
  if (typeof value !== 'string' || !USERNAME_PATTERN.test(value))
    throw badInput(
      'the username must be 3 to 64 characters of letters, digits, `_`, `.` and `-`',
      'choose a username such as alice or build-bot.2',
    );
  return value;
}

/** The key usernames are unique and looked up by: lower case, so `Alice` and `alice` are one. */
export const usernameKey = (username: string): string => username.toLowerCase();

/**
 * Checks a password against the length rules (any characters allowed, spaces included, as
 * OWASP advises; no composition rules; only lone surrogates, which are not text, refused)
 * and returns it unchanged.
 *
 * @param minLength shortest accepted, in code points; pass 0 to check only the maximum
 *   (login, where the minimum may have been raised since the password was set).
 * @throws RefusalError `BAD_INPUT` when it is not a string or its length is out of range.
 */
export function validatePassword(value: unknown, minLength: number): string {
  if (typeof value !== 'string')
    throw badInput('the password must be a string', 'send the password as a JSON string');
  // A lone UTF-16 surrogate is not text: it reaches argon2 as U+FFFD, so two passwords that
  // differ only there would hash alike.
  if (/\p{Surrogate}/u.test(value))
    throw badInput(
      'the password contains an invalid character (a lone UTF-16 surrogate)',
      'send the password as well-formed UTF-8 or UTF-16 text',
    );
  const length = [...value].length;
  if (length > PASSWORD_MAX_LENGTH)
    throw badInput(
      `the password is ${length} characters; at most ${PASSWORD_MAX_LENGTH} are accepted`,
      `use a password of ${Math.max(minLength, 1)} to ${PASSWORD_MAX_LENGTH} characters (a passphrase works well)`,
    );
  if (length < minLength)
    throw badInput(
      `the password is ${length} characters; at least ${minLength} are needed`,
      `use a password of ${minLength} to ${PASSWORD_MAX_LENGTH} characters (a passphrase works well)`,
    );
  return value;
}

/**
 * Checks a tier name and returns it.
 *
 * @throws RefusalError `BAD_INPUT` naming the valid tiers.
 */
export function validateTier(value: unknown): TierName {
  if (!isTierName(value))
    throw badInput(
      // Never String(value): an object whose toString is not a function throws there.
      `${typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : `a ${typeof value}`} is not a tier`,
      `use one of ${TIER_NAMES.join(', ')} (see \`repo-runner tiers\`)`,
    );
  return value;
}

/**
 * Checks an API token's name (1-64 printable characters, no control characters).
 *
 * @throws RefusalError `BAD_INPUT`.
 */
export function validateTokenName(value: unknown): string {
  if (typeof value !== 'string' || !/^[^\p{C}]{1,64}$/u.test(value) || value.trim() === '')
    throw badInput(
      'the token name must be 1 to 64 printable characters',
      'name the token after what uses it, e.g. ci-deploy',
    );
  return value.trim();
}

/**
 * Checks an API token lifetime in days and returns it.
 *
 * @throws RefusalError `BAD_INPUT` unless it is a whole number from 1 to `maxDays`.
 */
export function validateTtlDays(value: unknown, maxDays: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > maxDays)
    throw badInput(
      `the token lifetime must be a whole number of days from 1 to ${maxDays}`,
      `pass ttlDays between 1 and ${maxDays}, or leave it out for the default`,
    );
  return value;
}

/**
 * Checks a repository key (what `claimRepo` counts; see `repoKeyOf`).
 *
 * @throws RefusalError `BAD_INPUT` unless it is 1-2048 characters without control characters.
 */
export function validateRepoKey(value: unknown): string {
  if (typeof value !== 'string' || !/^[^\p{C}]{1,2048}$/u.test(value))
    throw badInput(
      'the repository must be a path or URL of 1 to 2048 characters',
      'pass the repository as a local path or a git URL',
    );
  return value;
}
