import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ERROR_CLASSES, ERROR_CLASS_INFO } from './classes.js';
import { nextStepFor } from './next-step.js';

/** Details that hand out `<name>` for any key and record which keys were read. */
function recording(read: Set<string>): Record<string, string> {
  return new Proxy({} as Record<string, string>, {
    get: (_t, k) => (typeof k === 'string' ? (read.add(k), `<${k}>`) : undefined),
  });
}

describe('nextStepFor', () => {
  it('has a next step for every class, with no placeholder left without details', () => {
    for (const cls of ERROR_CLASSES) {
      const step = nextStepFor(cls, {});
      assert.ok(step.length > 20, cls);
      assert.doesNotMatch(step, /[{}]/, cls);
    }
  });

  it("fills placeholders only from the class's identifying details", () => {
    for (const cls of ERROR_CLASSES) {
      const read = new Set<string>();
      const step = nextStepFor(cls, recording(read));
      for (const k of read) {
        assert.ok(ERROR_CLASS_INFO[cls].key.includes(k), `${cls} reads {${k}}`);
        assert.ok(step.includes(`<${k}>`), `${cls}: ${k}`);
      }
      assert.doesNotMatch(step, /[{}]/, cls);
    }
  });

  it('fills every occurrence from the details', () => {
    assert.equal(
      nextStepFor('node-module-missing', { package: 'lodash' }),
      'add `lodash` to package.json (`npm install lodash`) and run again',
    );
    assert.match(nextStepFor('python-module-missing', { module: 'flask_cors' }), /`flask_cors`/);
    assert.match(nextStepFor('port-in-use', { port: '5000', other: 'x' }), /free port 5000 /);
    const missing = nextStepFor('env-var-missing', {});
    assert.match(missing, /^set it in the repository's \.env \(or with --env it=…\)/);
  });
});
