import type { Rule } from './types.js';

/**
 * The run ran into one of its tier's limits, as the run's cgroup or disk watcher recorded it
 * in the ProcessResult or the service's exit (`limitHit`): a field, never log text. It sits
 * before the SIGKILL rule, which would otherwise call an OOM kill at the limit `out-of-memory`
 * (a fix that raises a heap flag cannot help when the cgroup is full).
 */
function limitRule(cls: 'oom-killed' | 'pids-limit' | 'disk-quota'): Rule {
  return {
    id: `limits/${cls}`,
    class: cls,
    stage: 'result',
    test: ({ result, exit }) => ((result?.limitHit ?? exit?.limitHit) === cls ? {} : null),
  };
}

/** The memory cgroup's OOM killer ended a process of the run. */
export const oomKilled = limitRule('oom-killed');
/** A fork was refused at the run's pids limit. */
export const pidsLimit = limitRule('pids-limit');
/** The run directory outgrew its disk quota. */
export const diskQuota = limitRule('disk-quota');
