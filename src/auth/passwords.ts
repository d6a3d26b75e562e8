import { hash, verify, type Algorithm } from '@node-rs/argon2';

/** argon2id cost parameters. */
export interface Argon2Params {
  /** Memory per hash, in KiB. */
  memoryCost: number;
  /** Passes over the memory. */
  timeCost: number;
  /** Lanes (threads). */
  parallelism: number;
}

/**
 * OWASP Password Storage Cheat Sheet, argon2id minimum configuration: m=19456 KiB (19 MiB),
 * t=2, p=1. About 30-60 ms and 19 MiB per hash on one core.
 */
export const OWASP_ARGON2ID: Readonly<Argon2Params> = Object.freeze({
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
});

// `Algorithm` is a const enum in the typings and an empty object at runtime: use its value.
const ARGON2ID = 2 as Algorithm;

/** Hashes and checks passwords. Injectable so tests can count calls and use cheap costs. */
export interface PasswordHasher {
  /** The PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) of `password`, with a fresh salt. */
  hash(password: string): Promise<string>;
  /** True when `password` matches `encoded`; false (never a throw) for a malformed hash. */
  verify(encoded: string, password: string): Promise<boolean>;
  /**
   * Spends the same time as a `verify` that fails, for a login of an unknown username, so
   * its answer time does not tell whether the name exists. Always resolves false.
   */
  verifyDummy(password: string): Promise<false>;
  /** True when `encoded` was made with other parameters than the current ones (rehash it). */
  needsRehash(encoded: string): boolean;
}

/**
 * An argon2id {@link PasswordHasher} (@node-rs/argon2, hashing off the main thread).
 * Defaults to {@link OWASP_ARGON2ID}; pass cheaper `params` in tests only.
 *
 * @example
 * const hasher = createArgon2Hasher();
 * const stored = await hasher.hash('correct horse battery staple');
 * await hasher.verify(stored, 'correct horse battery staple'); // true
 */
export function createArgon2Hasher(params: Partial<Argon2Params> = {}): PasswordHasher {
  const p: Argon2Params = { ...OWASP_ARGON2ID, ...params };
  const options = { ...p, algorithm: ARGON2ID };
  const prefix = `$argon2id$v=19$m=${p.memoryCost},t=${p.timeCost},p=${p.parallelism}$`;
  // Made at once (not on the first unknown-user login, which would then take twice as long),
  // with the same parameters as real hashes so that verifying against it takes as long.
  const dummy = hash('repo-runner dummy password, matches nothing', options);
  dummy.catch(() => {}); // surfaced by verifyDummy, not as an unhandled rejection
  const check = async (encoded: string, password: string): Promise<boolean> => {
    try {
      return await verify(encoded, password);
    } catch {
      return false;
    }
  };
  return {
    hash: (password) => hash(password, options),
    verify: check,
    async verifyDummy(password) {
      await check(await dummy, password);
      return false;
    },
    needsRehash: (encoded) => !encoded.startsWith(prefix),
  };
}
