import assert from 'node:assert/strict';
import { test } from 'node:test';
import { migrationFiles } from './build-database.js';

test('migrationFiles: sqlx order (numeric version), reversible up files, no down files', () => {
  assert.deepEqual(
    migrationFiles([
      '10_tags.sql',
      '2_user.sql',
      'README.md',
      '20240101000000_init.up.sql',
      '20240101000000_init.down.sql',
      '1_setup.sql',
    ]),
    ['1_setup.sql', '2_user.sql', '10_tags.sql', '20240101000000_init.up.sql'],
  );
});
