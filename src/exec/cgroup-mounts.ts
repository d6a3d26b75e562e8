import { readFileSync } from 'node:fs';

/** The v1 controllers a run group uses; cpu and cpuacct are optional. */
export const V1_CONTROLLERS = ['pids', 'memory', 'cpu', 'cpuacct', 'freezer'] as const;

/** One of {@link V1_CONTROLLERS}. */
export type V1Controller = (typeof V1_CONTROLLERS)[number];

/** Where the cgroup hierarchies are mounted on this machine. */
export interface CgroupMounts {
  /** Mount point of each v1 controller (`cpu` and `cpuacct` may share one: `cpu,cpuacct`). */
  v1: Partial<Record<V1Controller, string>>;
  /** The cgroup2 mount at /sys/fs/cgroup when the machine is unified (v2 only), else null. */
  v2: string | null;
  /** Controllers the v2 root offers (`cgroup.controllers`); empty without v2. */
  v2Controllers: string[];
}

/**
 * Reads the cgroup mounts from `/proc/self/mounts` (text of proc(5)'s mounts format, or
 * given for tests). A hybrid machine (v1 controllers plus an empty cgroup2 at
 * /sys/fs/cgroup/unified, like this one) counts as v1: only a cgroup2 mounted at
 * /sys/fs/cgroup itself holds the controllers.
 */
export function cgroupMounts(mountsText = readMounts()): CgroupMounts {
  const v1: Partial<Record<V1Controller, string>> = {};
  let v2: string | null = null;
  for (const line of mountsText.split('\n')) {
    const [, dir, type, options] = line.split(' ');
    if (!dir || !options) continue;
    const mountPoint = dir.replace(/\\040/g, ' ');
    if (type === 'cgroup2' && mountPoint === '/sys/fs/cgroup') v2 = mountPoint;
    if (type !== 'cgroup') continue;
    for (const opt of options.split(','))
      if ((V1_CONTROLLERS as readonly string[]).includes(opt)) v1[opt as V1Controller] = mountPoint;
  }
  return { v1, v2, v2Controllers: v2 ? v2ControllersOf(v2) : [] };
}

function readMounts(): string {
  try {
    return readFileSync('/proc/self/mounts', 'utf8');
  } catch {
    return '';
  }
}

function v2ControllersOf(root: string): string[] {
  try {
    return readFileSync(`${root}/cgroup.controllers`, 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
}
