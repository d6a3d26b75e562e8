import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSource } from './git-source.js';

describe('parseSource: git URLs', () => {
  const cases: Array<[string, 'https' | 'http' | 'ssh' | 'git' | 'file']> = [
    ['https://github.com/org/repo.git', 'https'],
    ['HTTPS://github.com/org/repo', 'https'],
    ['http://git.example.com:8080/org/repo.git', 'http'],
    ['ssh://git@github.com/org/repo.git', 'ssh'],
    ['ssh://git@github.com:2222/org/repo.git', 'ssh'],
    ['git+ssh://git@github.com/org/repo.git', 'ssh'],
    ['git://example.com/repo.git', 'git'],
    ['git@github.com:org/repo.git', 'ssh'],
    ['deploy.bot@git.example.co.uk:team/sub/repo', 'ssh'],
    ['file:///srv/git/repo.git', 'file'],
  ];
  for (const [input, transport] of cases) {
    it(`${input} → git over ${transport}`, () => {
      assert.deepEqual(parseSource(input), { kind: 'git', url: input, transport });
    });
  }

  it('trims surrounding whitespace', () => {
    assert.deepEqual(parseSource('  https://github.com/org/repo.git\n'), {
      kind: 'git',
      url: 'https://github.com/org/repo.git',
      transport: 'https',
    });
  });
});

describe('parseSource: local paths', () => {
  for (const input of [
    '.',
    './app',
    '../sibling/repo',
    'fixtures/repos/flask-basic',
    '/abs/path/to/repo',
    './a:b',
    '/data/x:y/repo',
    'a:b',
    './user@host:repo',
    '~/code/repo',
  ]) {
    it(`${JSON.stringify(input)} is a path`, () => {
      assert.deepEqual(parseSource(input), { kind: 'path', path: input });
    });
  }
});

describe('parseSource: refusals', () => {
  const refused: Array<[string, RegExp]> = [
    ['ext::sh -c touch% /tmp/x', /refusing ext:: remote helper/],
    ['  EXT::sh -c id', /refusing EXT:: remote helper/],
    ['fd::17', /refusing fd:: remote helper/],
    ['fd::17/foo', /refusing fd::/],
    ['ftp://example.com/repo.git', /unsupported URL scheme ftp:\/\//],
    ['rsync://example.com/repo', /unsupported URL scheme rsync/],
    ['', /no repository given/],
    ['   ', /no repository given/],
    ['-uhack', /looks like an option/],
    ['--upload-pack=touch /tmp/pwned', /looks like an option/],
    ['https://', /malformed git URL/],
    ['https://:443/org/repo', /malformed git URL/],
    ['ssh:///org/repo', /malformed git URL \(no host\)/],
    ['git://', /malformed git URL \(no host\)/],
  ];
  for (const [input, message] of refused) {
    it(`refuses ${JSON.stringify(input)}`, () => {
      assert.throws(() => parseSource(input), message);
    });
  }
});
