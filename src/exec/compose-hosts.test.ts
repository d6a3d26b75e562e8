import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rewriteComposeHost, type DatabaseHost } from './compose-hosts.js';

test('compose URLs to a provisioned database become its own URL, in their scheme', () => {
  const dbs: DatabaseHost[] = [
    {
      name: 'db',
      port: 41000,
      listenPort: 5432,
      provided: false,
      kind: 'postgres',
      url: 'postgresql://postgres:gen@127.0.0.1:5432/postgres',
    },
    {
      name: 'cache',
      port: 41001,
      listenPort: 6379,
      provided: false,
      kind: 'redis',
      url: 'redis://127.0.0.1:6379/0',
    },
  ];
  // The container's password (`postgres`) is not the local server's: the whole URL is replaced.
  assert.equal(
    rewriteComposeHost('postgresql://postgres:postgres@db/postgres', dbs),
    'postgresql://postgres:gen@127.0.0.1:5432/postgres',
  );
  assert.equal(
    rewriteComposeHost('postgresql+asyncpg://u:p@db:5432/app?ssl=false', dbs),
    'postgresql+asyncpg://postgres:gen@127.0.0.1:5432/postgres',
  );
  // Redis keeps its database index; only the host and port change.
  assert.equal(rewriteComposeHost('redis://cache:6379/2', dbs), 'redis://127.0.0.1:6379/2');
  assert.equal(rewriteComposeHost('db', dbs), '127.0.0.1');
  assert.equal(
    rewriteComposeHost('postgresql://u:p@elsewhere/app', dbs),
    'postgresql://u:p@elsewhere/app',
  );
});
