import { redisCommand } from './redis-client.js';
import { startRedis } from './redis.js';
import { serverSkipReason } from './install-server-packages.js';
import { databaseServerConformance } from './server-conformance.test-kit.js';
import type { ProvisionedDatabase } from './types.js';

/** Talks to the server named by the URL, as an app would. */
const viaUrl = (db: ProvisionedDatabase, args: string[]) => {
  const url = new URL(db.url);
  return redisCommand(url.hostname, Number(url.port), args);
};

databaseServerConformance({
  kind: 'redis',
  start: startRedis,
  write: async (db, value) => {
    await viaUrl(db, ['SET', 'probe', value]);
  },
  read: async (db) => {
    const value = await viaUrl(db, ['GET', 'probe']);
    return typeof value === 'string' ? value : null;
  },
  persistent: false,
  skip: await serverSkipReason('redis'),
});
