import { randomBytes } from 'node:crypto';

/**
 * Keys that are the app's OWN secret (a signing or encryption key nobody else issues), so a
 * fresh random value is right: Django's SECRET_KEY, Flask's SECRET_KEY, Laravel's APP_KEY,
 * Rails' SECRET_KEY_BASE, JWT/session/cookie secrets, NextAuth/Auth.js secrets.
 */
const OWN_SECRET =
  /^(?:APP_|APPLICATION_|DJANGO_|FLASK_|RAILS_)?(?:SECRET(?:_KEY)?|SECRET_KEY_BASE|APP_KEY|JWT_SECRET(?:_KEY)?|JWT_KEY|SESSION_SECRET(?:_KEY)?|COOKIE_SECRET|NEXTAUTH_SECRET|AUTH_SECRET|ENCRYPTION_KEY|SIGNING_KEY|TOKEN_SECRET|CSRF_SECRET|HASH_SALT|SALT)$/;

/** Values example files use to mean "put a real one here". */
const PLACEHOLDER =
  /^(|changeme|change[-_ ]?me|change[-_ ]?this.*|your[-_ ].*|<.*>|xxx+|\.\.\.|secret|todo|replace[-_ ]?me.*|insert.*|example.*|dummy.*|\*+)$/i;

/** Keys that hold a third party's credential: Repo Runner cannot know them. */
const THIRD_PARTY =
  /(API_KEY|_TOKEN|ACCESS_KEY|_SECRET|_PASSWORD|CLIENT_ID|_DSN|WEBHOOK|PRIVATE_KEY|_KEY)$/;

/** True when `key` is one of the app's own secrets (see {@link OWN_SECRET}). */
export const isOwnSecret = (key: string): boolean => OWN_SECRET.test(key);

/** True when an example value is a stand-in rather than a usable default. */
export const isPlaceholder = (value: string): boolean => PLACEHOLDER.test(value.trim());

/** True when a key with no usable value is a credential someone else issues. */
export const isThirdPartyCredential = (key: string): boolean =>
  !isOwnSecret(key) && THIRD_PARTY.test(key);

/**
 * A new secret from the OS CSPRNG: 32 random bytes, hex (64 characters); Laravel's APP_KEY
 * as `base64:` + 32 bytes base64, the format `php artisan key:generate` writes.
 */
export function generateSecret(key: string): string {
  const bytes = randomBytes(32);
  return key === 'APP_KEY' ? `base64:${bytes.toString('base64')}` : bytes.toString('hex');
}
