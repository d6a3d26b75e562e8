import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hourWindow } from './rate-limit.js';

describe('rate-limit windows', () => {
  it('are whole UTC hours; reset is the seconds to the next hour (1-3600)', () => {
    assert.deepEqual(hourWindow(new Date('2030-01-01T10:15:00.000Z')), {
      start: '2030-01-01T10:00:00.000Z',
      resetSeconds: 2700,
    });
    assert.deepEqual(hourWindow(new Date('2030-01-01T10:00:00.000Z')), {
      start: '2030-01-01T10:00:00.000Z',
      resetSeconds: 3600,
    });
    assert.deepEqual(hourWindow(new Date('2030-01-01T10:59:59.999Z')), {
      start: '2030-01-01T10:00:00.000Z',
      resetSeconds: 1,
    });
    assert.deepEqual(hourWindow(new Date('2030-12-31T23:30:00.000Z')), {
      start: '2030-12-31T23:00:00.000Z',
      resetSeconds: 1800,
    });
  });
});
