import { killGroupMembers } from './cgroup-kill.js';
import { liveMembers, removeCgroupDir } from './cgroup-files.js';
import type { CgroupUsage, LimitEvents, RunCgroup } from './cgroup-types.js';

/** What a backend (v1, v2) supplies; {@link makeRunCgroup} builds the shared behaviour on it. */
export interface CgroupBackend {
  path: string;
  version: 1 | 2;
  /** The `cgroup.procs` file of every hierarchy the run joins. */
  procsFiles: string[];
  /** The `cgroup.procs` file that lists the members. */
  membersFile: string;
  /** Every directory of the group, removed by `remove()`. */
  dirs: string[];
  freeze(): Promise<void>;
  thaw(): void;
  usage(): CgroupUsage;
  limitEvents(): LimitEvents;
}

/** Exit status of the prefix shim when it cannot join the group (the program never runs). */
export const JOIN_FAILED_EXIT = 125;

/** Quotes `s` for sh: single quotes, with embedded ones closed and escaped. */
const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A {@link RunCgroup} over a backend. */
export function makeRunCgroup(backend: CgroupBackend): RunCgroup {
  const members = () => liveMembers(backend.membersFile);
  const killAll = () =>
    killGroupMembers({ members, freeze: () => backend.freeze(), thaw: () => backend.thaw() });
  // The shim joins before exec, so the program and everything it forks start inside; `$$` is
  // the shim's own pid, which exec keeps.
  const join = backend.procsFiles.map((f) => `echo $$ > ${shQuote(f)}`).join(' && ');
  const script =
    `{ ${join}; } 2>/dev/null || { echo 'repo-runner: cannot join the run cgroup ${backend.path}' >&2;` +
    ` exit ${JOIN_FAILED_EXIT}; }; exec "$@"`;
  return {
    path: backend.path,
    version: backend.version,
    prefix: () => ['sh', '-c', script, 'sh'],
    pids: members,
    killAll,
    usage: () => backend.usage(),
    limitHit: () => hitBetween({ oomKills: 0, forksRefused: 0 }, backend.limitEvents()),
    limitEvents: () => backend.limitEvents(),
    limitHitSince: (before) => hitBetween(before, backend.limitEvents()),
    async remove() {
      await killAll();
      for (const dir of backend.dirs) await removeCgroupDir(dir);
    },
  };
}

/** The limit whose counter grew from `before` to `now`; OOM wins over refused forks. */
function hitBetween(before: LimitEvents, now: LimitEvents): 'oom-killed' | 'pids-limit' | null {
  if (now.oomKills > before.oomKills) return 'oom-killed';
  if (now.forksRefused > before.forksRefused) return 'pids-limit';
  return null;
}
