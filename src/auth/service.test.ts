import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe } from 'node:test';
import { openPostgresStore } from '../store/postgres.js';
import { openSqliteStore } from '../store/sqlite.js';
import { emptyPostgresStore } from '../store/inspect.test-kit.js';
import { postgresForTests } from '../store/temp-postgres.test-kit.js';
import { authConformance } from './conformance.test-kit.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rr-auth-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let files = 0;
let latestFile = '';

authConformance({ name: 'sqlite :memory:', open: () => openSqliteStore(':memory:') });

authConformance({
  name: 'sqlite file, two instances',
  open: () => openSqliteStore((latestFile = path.join(tmp, `auth-${++files}.db`))),
  openSecond: () => openSqliteStore(latestFile),
});

const pg = await postgresForTests();
let url: string | undefined;
describe('PostgreSQL', { skip: pg.skip }, () => {
  authConformance({
    name: 'postgres, two pools',
    async open() {
      if (url) {
        const store = await openPostgresStore(url);
        await emptyPostgresStore(store);
        return store;
      }
      return openPostgresStore((url = await pg.createDatabase()));
    },
    openSecond: () => openPostgresStore(url!),
  });
});
