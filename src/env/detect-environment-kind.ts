import type { EnvironmentKind } from '../model/env-facts.js';

/**
 * Passive inputs of {@link detectEnvironmentKind}. Paths are absolute host paths such as
 * `/proc/1/cgroup`; the caller decides what filesystem they resolve against (tests use a
 * fake tree). `readFile` returns null when the file is missing or unreadable.
 */
export interface EnvironmentSignals {
  env: NodeJS.ProcessEnv;
  readFile: (path: string) => Promise<string | null>;
  exists: (path: string) => Promise<boolean>;
}

/** Result of {@link detectEnvironmentKind}: the winning kind and every signal seen. */
export interface EnvironmentKindResult {
  kind: EnvironmentKind;
  /** Signals of the winning kind first, then those of the others, e.g. `file /.dockerenv`. */
  evidence: string[];
}

/**
 * Order in which kinds win when several have signals (`local` when none has). The more
 * specific platform wins: Colab runs on GCP inside containers, Kubernetes pods run in
 * containers on cloud VMs, and a container on a cloud VM is reported as that cloud, with
 * the docker signals kept in the evidence.
 */
export const ENVIRONMENT_PRECEDENCE: readonly Exclude<EnvironmentKind, 'local'>[] = [
  'colab',
  'kubernetes',
  'aws',
  'gcp',
  'azure',
  'docker',
];

/**
 * Environment variables whose non-empty presence marks a kind. Sources: Colab runtime
 * variables; the Kubernetes service-discovery variables every pod gets; AWS Lambda/ECS
 * runtime variables; Cloud Run (`K_SERVICE`) and the Google client-library variables;
 * Azure App Service / Functions variables.
 */
const ENV_MARKERS: Record<Exclude<EnvironmentKind, 'local' | 'docker'>, string[]> = {
  colab: ['COLAB_RELEASE_TAG', 'COLAB_GPU'],
  kubernetes: ['KUBERNETES_SERVICE_HOST'],
  aws: ['AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME'],
  gcp: ['K_SERVICE', 'GOOGLE_CLOUD_PROJECT', 'GCE_METADATA_HOST'],
  azure: ['WEBSITE_SITE_NAME', 'AZURE_FUNCTIONS_ENVIRONMENT', 'MSI_ENDPOINT'],
};

/** Files whose mere existence marks a kind. */
const FILE_MARKERS: [Exclude<EnvironmentKind, 'local'>, string][] = [
  ['kubernetes', '/var/run/secrets/kubernetes.io/serviceaccount'],
  ['docker', '/.dockerenv'],
  // Podman's marker; reported as docker since the kinds do not tell OCI runtimes apart.
  ['docker', '/run/.containerenv'],
];

const set = (value: string | undefined): boolean => value !== undefined && value !== '';

/**
 * Decides where Repo Runner runs from passive signals only: environment variables, files
 * such as `/.dockerenv`, `/proc/1/cgroup`, DMI strings under `/sys/class/dmi/id` and
 * `/sys/hypervisor/uuid`. It never makes a network request (no metadata endpoints).
 * Precedence: {@link ENVIRONMENT_PRECEDENCE}.
 *
 * @example
 * const { kind, evidence } = await detectEnvironmentKind({ env: process.env, readFile, exists });
 * // kind 'aws', evidence ['dmi sys_vendor=Amazon EC2', 'file /.dockerenv']
 */
export async function detectEnvironmentKind(
  signals: EnvironmentSignals,
): Promise<EnvironmentKindResult> {
  const { env, readFile, exists } = signals;
  const found = new Map<EnvironmentKind, string[]>();
  const add = (kind: EnvironmentKind, evidence: string) =>
    found.set(kind, [...(found.get(kind) ?? []), evidence]);

  const dmi = (field: string) =>
    readFile(`/sys/class/dmi/id/${field}`).then((text) => text?.trim() || null);
  const [sysVendor, biosVendor, productName, hypervisorUuid, cgroup, hasContent, files] =
    await Promise.all([
      dmi('sys_vendor'),
      dmi('bios_vendor'),
      dmi('product_name'),
      readFile('/sys/hypervisor/uuid'),
      readFile('/proc/1/cgroup'),
      exists('/content'),
      Promise.all(FILE_MARKERS.map(([, file]) => exists(file))),
    ]);

  for (const [kind, names] of Object.entries(ENV_MARKERS) as [EnvironmentKind, string[]][]) {
    for (const name of names) if (set(env[name])) add(kind, `env ${name}`);
  }
  // Colab mounts the notebook workspace at /content; alone that path is too common to count.
  const colabVars = Object.keys(env).filter((k) => k.startsWith('COLAB_') && set(env[k]));
  if (hasContent && colabVars.length > 0) add('colab', 'file /content');
  for (const name of Object.keys(env).sort()) {
    if (name.startsWith('ECS_CONTAINER_METADATA_URI') && set(env[name])) add('aws', `env ${name}`);
  }
  FILE_MARKERS.forEach(([kind, file], i) => files[i] && add(kind, `file ${file}`));

  if (cgroup !== null) {
    if (cgroup.includes('kubepods')) add('kubernetes', 'cgroup /proc/1/cgroup contains kubepods');
    for (const word of ['docker', 'containerd']) {
      if (cgroup.includes(word)) add('docker', `cgroup /proc/1/cgroup contains ${word}`);
    }
  }

  if (sysVendor?.includes('Amazon')) add('aws', `dmi sys_vendor=${sysVendor}`);
  if (biosVendor?.includes('Amazon')) add('aws', `dmi bios_vendor=${biosVendor}`);
  // Xen-based EC2 instances expose a hypervisor UUID starting with "ec2" (AWS docs,
  // "Identify EC2 Linux instances").
  if (hypervisorUuid?.trim().toLowerCase().startsWith('ec2')) {
    add('aws', 'file /sys/hypervisor/uuid starts with ec2');
  }
  if (productName === 'Google Compute Engine') add('gcp', `dmi product_name=${productName}`);
  if (sysVendor === 'Google') add('gcp', `dmi sys_vendor=${sysVendor}`);
  // Hyper-V guests show the same pair; Azure VMs are Hyper-V guests, so local Hyper-V VMs
  // are a known false positive.
  if (sysVendor === 'Microsoft Corporation' && productName === 'Virtual Machine') {
    add('azure', `dmi sys_vendor=${sysVendor}`);
    add('azure', `dmi product_name=${productName}`);
  }

  const kind = ENVIRONMENT_PRECEDENCE.find((k) => found.has(k)) ?? 'local';
  const order: EnvironmentKind[] = [kind, ...ENVIRONMENT_PRECEDENCE.filter((k) => k !== kind)];
  const evidence = order.flatMap((k) => found.get(k) ?? []);
  return { kind, evidence };
}
