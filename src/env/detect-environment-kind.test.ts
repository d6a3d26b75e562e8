import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { readersUnderRoot } from './detect-env.js';
import { detectEnvironmentKind } from './detect-environment-kind.js';

const roots: string[] = [];
after(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

/** A fake filesystem root: files map absolute paths to contents; dirs are created empty. */
async function fakeRoot(files: Record<string, string> = {}, dirs: string[] = []): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'rr-envkind-'));
  roots.push(root);
  for (const dir of dirs) await mkdir(path.join(root, dir), { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  return root;
}

async function detect(env: NodeJS.ProcessEnv, files?: Record<string, string>, dirs?: string[]) {
  return detectEnvironmentKind({ env, ...readersUnderRoot(await fakeRoot(files, dirs)) });
}

const HOST_CGROUP_V1 = '12:pids:/\n11:memory:/\n0::/init.scope\n';
const K8S_CGROUP =
  '12:pids:/kubepods/besteffort/pod0d2c5c31-9b8e/cri-containerd-4f1a7c\n' +
  '11:memory:/kubepods/besteffort/pod0d2c5c31-9b8e/cri-containerd-4f1a7c\n';

describe('detectEnvironmentKind', () => {
  it('reports local with no evidence on a plain host', async () => {
    const result = await detect({ HOME: '/home/me' }, { '/proc/1/cgroup': HOST_CGROUP_V1 });
    assert.deepEqual(result, { kind: 'local', evidence: [] });
  });

  it('detects docker from /.dockerenv', async () => {
    const result = await detect({}, { '/.dockerenv': '' });
    assert.deepEqual(result, { kind: 'docker', evidence: ['file /.dockerenv'] });
  });

  it('detects podman containers (/run/.containerenv) and docker cgroups as docker', async () => {
    assert.equal(
      (await detect({}, { '/run/.containerenv': 'engine="podman-4.3.1"\n' })).kind,
      'docker',
    );
    const cgroup = await detect({}, { '/proc/1/cgroup': '12:pids:/docker/8f3e2b1c9a\n' });
    assert.deepEqual(cgroup, {
      kind: 'docker',
      evidence: ['cgroup /proc/1/cgroup contains docker'],
    });
  });

  it('detects kubernetes from a kubepods cgroup and keeps the containerd signal', async () => {
    const result = await detect({}, { '/proc/1/cgroup': K8S_CGROUP });
    assert.equal(result.kind, 'kubernetes');
    assert.deepEqual(result.evidence, [
      'cgroup /proc/1/cgroup contains kubepods',
      'cgroup /proc/1/cgroup contains containerd',
    ]);
  });

  it('detects kubernetes from its env and service-account directory', async () => {
    const result = await detect({ KUBERNETES_SERVICE_HOST: '10.96.0.1' }, {}, [
      '/var/run/secrets/kubernetes.io/serviceaccount',
    ]);
    assert.equal(result.kind, 'kubernetes');
    assert.deepEqual(result.evidence, [
      'env KUBERNETES_SERVICE_HOST',
      'file /var/run/secrets/kubernetes.io/serviceaccount',
    ]);
  });

  it('detects aws from DMI, the hypervisor uuid and ECS env', async () => {
    const dmi = await detect({}, { '/sys/class/dmi/id/sys_vendor': 'Amazon EC2\n' });
    assert.deepEqual(dmi, { kind: 'aws', evidence: ['dmi sys_vendor=Amazon EC2'] });
    const bios = await detect({}, { '/sys/class/dmi/id/bios_vendor': 'Amazon EC2\n' });
    assert.deepEqual(bios.evidence, ['dmi bios_vendor=Amazon EC2']);
    const xen = await detect(
      {},
      { '/sys/hypervisor/uuid': 'ec2e1916-9099-7caf-fd21-012345abcdef\n' },
    );
    assert.deepEqual(xen, { kind: 'aws', evidence: ['file /sys/hypervisor/uuid starts with ec2'] });
    const ecs = await detect({ ECS_CONTAINER_METADATA_URI_V4: 'http://task/v4/abc' });
    assert.deepEqual(ecs, { kind: 'aws', evidence: ['env ECS_CONTAINER_METADATA_URI_V4'] });
  });

  it('detects gcp from env presence and from DMI', async () => {
    const env = await detect({ K_SERVICE: 'api', GOOGLE_CLOUD_PROJECT: 'demo' });
    assert.deepEqual(env, { kind: 'gcp', evidence: ['env K_SERVICE', 'env GOOGLE_CLOUD_PROJECT'] });
    const dmi = await detect({}, { '/sys/class/dmi/id/product_name': 'Google Compute Engine\n' });
    assert.deepEqual(dmi, { kind: 'gcp', evidence: ['dmi product_name=Google Compute Engine'] });
  });

  it('detects azure from DMI only when vendor and product both match', async () => {
    const files = {
      '/sys/class/dmi/id/sys_vendor': 'Microsoft Corporation\n',
      '/sys/class/dmi/id/product_name': 'Virtual Machine\n',
    };
    const result = await detect({}, files);
    assert.equal(result.kind, 'azure');
    assert.deepEqual(result.evidence, [
      'dmi sys_vendor=Microsoft Corporation',
      'dmi product_name=Virtual Machine',
    ]);
    const surface = await detect(
      {},
      { ...files, '/sys/class/dmi/id/product_name': 'Surface Pro 9\n' },
    );
    assert.equal(surface.kind, 'local');
    assert.equal((await detect({ WEBSITE_SITE_NAME: 'my-app' })).kind, 'azure');
  });

  it('detects colab from its env, and /content only together with COLAB_ variables', async () => {
    const tag = await detect({ COLAB_RELEASE_TAG: 'release-colab_20240115-060124_RC00' });
    assert.deepEqual(tag, { kind: 'colab', evidence: ['env COLAB_RELEASE_TAG'] });
    const content = await detect({ COLAB_BACKEND_VERSION: 'next' }, {}, ['/content']);
    assert.deepEqual(content, { kind: 'colab', evidence: ['file /content'] });
    assert.equal((await detect({}, {}, ['/content'])).kind, 'local');
  });

  it('ignores empty variables', async () => {
    assert.equal(
      (await detect({ KUBERNETES_SERVICE_HOST: '', AWS_EXECUTION_ENV: '' })).kind,
      'local',
    );
  });

  it('lets the more specific platform win and keeps every signal in the evidence', async () => {
    const ec2Docker = await detect(
      {},
      {
        '/.dockerenv': '',
        '/sys/class/dmi/id/sys_vendor': 'Amazon EC2\n',
      },
    );
    assert.deepEqual(ec2Docker, {
      kind: 'aws',
      evidence: ['dmi sys_vendor=Amazon EC2', 'file /.dockerenv'],
    });

    const eks = await detect(
      { KUBERNETES_SERVICE_HOST: '10.100.0.1' },
      {
        '/proc/1/cgroup': K8S_CGROUP,
        '/sys/class/dmi/id/sys_vendor': 'Amazon EC2\n',
      },
    );
    assert.equal(eks.kind, 'kubernetes');
    assert.deepEqual(eks.evidence, [
      'env KUBERNETES_SERVICE_HOST',
      'cgroup /proc/1/cgroup contains kubepods',
      'dmi sys_vendor=Amazon EC2',
      'cgroup /proc/1/cgroup contains containerd',
    ]);

    const colab = await detect(
      { COLAB_GPU: '1', KUBERNETES_SERVICE_HOST: '10.0.0.1', GCE_METADATA_HOST: 'metadata' },
      { '/.dockerenv': '', '/sys/class/dmi/id/product_name': 'Google Compute Engine\n' },
    );
    assert.equal(colab.kind, 'colab');
    assert.deepEqual(colab.evidence, [
      'env COLAB_GPU',
      'env KUBERNETES_SERVICE_HOST',
      'env GCE_METADATA_HOST',
      'dmi product_name=Google Compute Engine',
      'file /.dockerenv',
    ]);

    const gcpOverAzure = await detect({ GOOGLE_CLOUD_PROJECT: 'p', MSI_ENDPOINT: 'x' });
    assert.equal(gcpOverAzure.kind, 'gcp');
  });
});
