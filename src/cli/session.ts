import { repoRunnerHome } from '../model/paths.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../model/store.js';

/** What every command works with: the data directory and the store (SQLite in it, or PostgreSQL). */
export interface Session {
  home: string;
  store: Store;
}

/** Opens the store in Repo Runner's home, runs `fn`, and always closes the store. */
export async function withSession<T>(fn: (session: Session) => Promise<T>): Promise<T> {
  const home = repoRunnerHome();
  const store = await openStore({ home });
  try {
    return await fn({ home, store });
  } finally {
    await store.close();
  }
}
