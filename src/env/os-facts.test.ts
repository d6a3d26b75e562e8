import assert from 'node:assert/strict';
import os from 'node:os';
import { describe, it } from 'node:test';
import { parseOsReleasePrettyName, readOsFacts } from './os-facts.js';

const DEBIAN = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
ID=debian
`;

describe('parseOsReleasePrettyName', () => {
  it('handles double, single and no quotes', () => {
    assert.equal(parseOsReleasePrettyName(DEBIAN), 'Debian GNU/Linux 12 (bookworm)');
    assert.equal(
      parseOsReleasePrettyName("PRETTY_NAME='Alpine Linux v3.19'"),
      'Alpine Linux v3.19',
    );
    assert.equal(parseOsReleasePrettyName('ID=arch\nPRETTY_NAME=Arch\n'), 'Arch');
    assert.equal(parseOsReleasePrettyName('PRETTY_NAME="Say \\"hi\\""'), 'Say "hi"');
  });

  it('returns null when absent or empty', () => {
    assert.equal(parseOsReleasePrettyName('NAME=Foo\n'), null);
    assert.equal(parseOsReleasePrettyName('PRETTY_NAME=""\n'), null);
  });
});

describe('readOsFacts', () => {
  it('combines node:os with the distro, falling back to /usr/lib/os-release', async () => {
    const files: Record<string, string> = { '/usr/lib/os-release': DEBIAN };
    const facts = await readOsFacts(async (file) => files[file] ?? null);
    assert.deepEqual(facts, {
      os: {
        platform: os.platform(),
        release: os.release(),
        arch: os.arch(),
        distro: 'Debian GNU/Linux 12 (bookworm)',
      },
      cpus: os.availableParallelism(),
      memoryBytes: os.totalmem(),
    });
    assert.ok(facts.cpus >= 1 && facts.memoryBytes > 0);
  });

  it('gives distro null without os-release', async () => {
    assert.equal((await readOsFacts(async () => null)).os.distro, null);
  });
});
