import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProcessResult } from '../model/process-result.js';
import { detectGpus, parseCudaVersion, parseGpuCsv } from './detect-gpus.js';
import type { ProbeRunner } from './detect-toolchains.js';

const SMI = '/usr/bin/nvidia-smi';

const QUERY_OUTPUT = [
  'NVIDIA A100-SXM4-80GB, 81920, 535.104.05',
  'NVIDIA A100-SXM4-80GB, 81920, 535.104.05',
  '',
].join('\n');

const HEADER_OUTPUT = `Tue Jan 16 10:22:31 2024       
+---------------------------------------------------------------------------------------+
| NVIDIA-SMI 535.104.05             Driver Version: 535.104.05   CUDA Version: 12.2     |
|-----------------------------------------+----------------------+----------------------+
| GPU  Name                 Persistence-M | Bus-Id        Disp.A | Volatile Uncorr. ECC |
| Fan  Temp   Perf          Pwr:Usage/Cap |         Memory-Usage | GPU-Util  Compute M. |
|                                         |                      |               MIG M. |
|=========================================+======================+======================|
|   0  NVIDIA A100-SXM4-80GB          On  | 00000000:07:00.0 Off |                    0 |
| N/A   31C    P0              62W / 400W |      4MiB / 81920MiB |      0%      Default |
|                                         |                      |             Disabled |
+-----------------------------------------+----------------------+----------------------+
`;

const DRIVER_DOWN =
  "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. " +
  'Make sure that the latest NVIDIA driver is installed and running.\n\n';

function result(argv: string[], fields: Partial<ProcessResult>): ProcessResult {
  return {
    command: argv.join(' '),
    cwd: '/tmp',
    failed: false,
    timedOut: false,
    aborted: false,
    exitCode: 0,
    signal: null,
    durationMs: 40,
    stdout: '',
    stderr: '',
    spawnError: null,
    ...fields,
  };
}

/** A runner answering the query call and the plain call with the given results. */
function fakeRunner(query: Partial<ProcessResult>, header: Partial<ProcessResult>) {
  const calls: string[][] = [];
  const run: ProbeRunner = async (argv, options) => {
    calls.push(argv);
    assert.equal(options.timeoutMs, 5000);
    return result(argv, argv.length > 1 ? query : header);
  };
  return { run, calls };
}

describe('parseGpuCsv', () => {
  it('parses one GPU a line', () => {
    assert.deepEqual(parseGpuCsv(QUERY_OUTPUT), [
      { name: 'NVIDIA A100-SXM4-80GB', memoryMiB: 81920, driverVersion: '535.104.05' },
      { name: 'NVIDIA A100-SXM4-80GB', memoryMiB: 81920, driverVersion: '535.104.05' },
    ]);
  });

  it('maps [N/A] to null and keeps commas inside names', () => {
    assert.deepEqual(parseGpuCsv('Tesla T4, [N/A], 470.57.02\nGPU, rev 2, 15360, [N/A]\n'), [
      { name: 'Tesla T4', memoryMiB: null, driverVersion: '470.57.02' },
      { name: 'GPU, rev 2', memoryMiB: 15360, driverVersion: null },
    ]);
  });
});

describe('parseCudaVersion', () => {
  it('reads the header', () => {
    assert.equal(parseCudaVersion(HEADER_OUTPUT), '12.2');
    assert.equal(
      parseCudaVersion('| NVIDIA-SMI 580.65.06  Driver Version: 580.65.06  CUDA Version: 13.0 |'),
      '13.0',
    );
    assert.equal(parseCudaVersion('no header here'), null);
  });
});

describe('detectGpus', () => {
  it('runs nothing and warns about nothing without nvidia-smi', async () => {
    const { run, calls } = fakeRunner({}, {});
    assert.deepEqual(await detectGpus(run, { nvidiaSmiPath: null }), {
      gpus: [],
      cudaVersion: null,
      warnings: [],
    });
    assert.equal(calls.length, 0);
  });

  it('lists GPUs and the CUDA version', async () => {
    const { run, calls } = fakeRunner({ stdout: QUERY_OUTPUT }, { stdout: HEADER_OUTPUT });
    const facts = await detectGpus(run, { nvidiaSmiPath: SMI });
    assert.equal(facts.gpus.length, 2);
    assert.equal(facts.gpus[0]?.memoryMiB, 81920);
    assert.equal(facts.cudaVersion, '12.2');
    assert.deepEqual(facts.warnings, []);
    assert.deepEqual(calls[0], [
      SMI,
      '--query-gpu=name,memory.total,driver_version',
      '--format=csv,noheader,nounits',
    ]);
  });

  it('gives no GPUs and warnings when the driver is down', async () => {
    const failed = { failed: true, exitCode: 9, stdout: DRIVER_DOWN };
    const { run } = fakeRunner(failed, failed);
    const facts = await detectGpus(run, { nvidiaSmiPath: SMI });
    assert.deepEqual(facts.gpus, []);
    assert.equal(facts.cudaVersion, null);
    assert.equal(facts.warnings.length, 2);
    assert.match(facts.warnings[0] ?? '', /GPU query failed \(exit 9: NVIDIA-SMI has failed/);
  });

  it('warns on a timed-out query but keeps the CUDA version', async () => {
    const { run } = fakeRunner(
      { failed: true, timedOut: true, exitCode: null, signal: 'SIGTERM' },
      { stdout: HEADER_OUTPUT },
    );
    const facts = await detectGpus(run, { nvidiaSmiPath: SMI });
    assert.deepEqual(facts.gpus, []);
    assert.equal(facts.cudaVersion, '12.2');
    assert.deepEqual(facts.warnings, [
      'nvidia-smi GPU query failed (timed out after 5000 ms); no GPUs listed',
    ]);
  });
});
