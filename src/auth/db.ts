import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** The store's kysely instance (`store.db`) or a transaction on it: what every query module takes. */
export type AuthDb = Kysely<Database>;
