import type { UserStore, UserWrite } from '../model/auth-store.js';
import { conflict, forbidden, userNotFound } from './errors.js';
import type { TierName, User } from './types.js';

/** What a refused write was about, for the message of its error. */
export interface WriteSubject {
  /** The user's id (for 404s). */
  id?: string;
  username?: string;
  /** The tier a registration asked for. */
  tier?: TierName;
  /** What was about to happen to the one admin. */
  adminWouldBe?: 'demoted' | 'deleted';
}

/**
 * The user a store write returned, or the `RefusalError` its refusal stands for: the store
 * reports refusals as data; what they mean to a caller (status, message, hint) is decided here.
 *
 * @throws RefusalError `NOT_FOUND` (404); `CONFLICT` (409) for a taken username, a second admin
 *   or the last admin; `FORBIDDEN` (403) for a later registration asking for a tier.
 */
export function userOf(write: UserWrite, s: WriteSubject): User {
  if (write.ok) return write.user;
  switch (write.reason) {
    case 'not-found':
      throw userNotFound(s.id ?? s.username ?? '');
    case 'username-taken':
      throw conflict(`the username ${s.username ?? ''} is taken`, 'choose another username');
    case 'second-admin':
      throw conflict(
        'there is already an admin; exactly one admin is allowed',
        'give this user another tier (e.g. tester, which has admin privileges except user management)',
      );
    case 'last-admin':
      throw conflict(
        `this user is the one admin and cannot be ${s.adminWouldBe ?? 'changed'}: there must always be exactly one admin`,
        'leave the admin in place; block the account instead if it must not be used for now',
      );
    case 'tier-not-free':
      throw forbidden(
        `new users get the free tier; only the first user of a new install may choose ${s.tier ?? 'a tier'}`,
        'register without a tier, then ask an admin or developer to upgrade you',
      );
  }
}

/** The user with this id. @throws RefusalError `NOT_FOUND` (404). */
export async function requireUser(store: UserStore, id: string): Promise<User> {
  const user = await store.findUser(id);
  if (!user) throw userNotFound(id);
  return user;
}
