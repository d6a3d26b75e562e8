import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Report } from '../model/report.js';
import {
  DEFAULT_INTERVENTION_POLICY,
  parseInterventionPolicy,
  stepApplies,
  stepOptions,
  type FailedRunView,
} from './intervention-policy.js';

const report = (code: string, cls: string | null): Report =>
  ({
    runId: 'r',
    status: 'failed',
    source: '/x',
    services: [],
    phases: [],
    warnings: [],
    error: { code, message: 'm' },
    ...(cls
      ? {
          cause: {
            class: cls,
            key: cls,
            phase: 'health',
            service: null,
            evidence: '',
            fixable: true,
          },
        }
      : {}),
  }) as unknown as Report;

describe('intervention policy', () => {
  const [fixes, longer, resume] = DEFAULT_INTERVENTION_POLICY;

  it('turns fixes on only for a run that had them off', () => {
    const off: FailedRunView = {
      options: { fix: false },
      report: report('START_FAILED', 'permission-denied'),
    };
    const on: FailedRunView = { options: { fix: true }, report: off.report };
    assert.equal(stepApplies(fixes!, off), true);
    assert.equal(stepApplies(fixes!, on), false);
    assert.deepEqual(stepOptions(fixes!, off), { fix: true });
  });

  it('gives a run that timed out three times the time, from its own timeouts', () => {
    const slow: FailedRunView = {
      options: { healthTimeoutMs: 10_000 },
      report: report('UNHEALTHY', 'never-binds'),
    };
    assert.equal(stepApplies(longer!, slow), true);
    assert.deepEqual(stepOptions(longer!, slow), {
      healthTimeoutMs: 30_000,
      commandTimeoutMs: 2_700_000,
    });
    assert.equal(
      stepApplies(longer!, { options: {}, report: report('UNHEALTHY', 'env-var-missing') }),
      false,
    );
    assert.equal(stepApplies(longer!, { options: {}, report: null }), false);
  });

  it('resumes as it is only for the error codes it names', () => {
    assert.equal(stepApplies(resume!, { options: {}, report: report('INTERNAL', null) }), true);
    assert.equal(
      stepApplies(resume!, { options: {}, report: report('BUILD_FAILED', 'unknown') }),
      false,
    );
    assert.deepEqual(stepOptions(resume!, { options: {}, report: null }), {});
  });

  it('parses a policy file, naming what is wrong', () => {
    assert.deepEqual(parseInterventionPolicy('[{"strategy":"resume"}]'), [{ strategy: 'resume' }]);
    assert.throws(() => parseInterventionPolicy('[{"strategy":"reboot"}]'), /0\.strategy/);
    assert.throws(() => parseInterventionPolicy('[]'), /not a valid intervention policy/);
    assert.throws(() => parseInterventionPolicy('[{"strategy":"resume","sudo":true}]'), /sudo/);
    assert.throws(() => parseInterventionPolicy('{'), /is not JSON/);
  });
});
