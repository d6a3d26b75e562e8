import { describe } from 'node:test';
import { queueConformance } from './conformance.test-kit.js';
import { createInProcessQueue } from './in-process.js';

describe('in-process queue', () => queueConformance((opts) => createInProcessQueue(opts)));
