import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';

/**
 * The unprivileged user a service user's runs execute as (service mode, Repo Runner root):
 * one uid per account, so one user's processes cannot signal or read another's, none of
 * them root. From 200 000 up (above the ranges Debian gives system and login users and
 * `/etc/subuid` delegations, which start at 100 000 and are 65 536 wide), 60 000 of them:
 * two accounts share a uid with a chance of about 1 in 60 000 per pair, and still never see
 * each other's runs (each run's mount and PID namespaces hide them). No passwd entry is
 * needed: the run's HOME and USER come from its environment.
 */
export const RUN_UID_BASE = 200_000;
const RUN_UID_SPAN = 60_000;

/** The uid (and gid) the runs of account `userId` execute as. */
export function runUidFor(userId: string): number {
  const h = createHash('sha256').update(userId).digest().readUInt32BE(0);
  return RUN_UID_BASE + (h % RUN_UID_SPAN);
}

/**
 * Gives `target` (a folder of the run's: its home, temp, workspace, caches) to the run's user:
 * `chown -R -h`, which changes symlinks themselves and never follows them, so a link in a
 * repository cannot hand anything outside to the run. No-op when `uid` is null (the run keeps
 * Repo Runner's own user) or `target` already belongs to it (`recursive: false` skips the walk
 * then too).
 *
 * @throws the chown error (the run cannot start without its files).
 */
export function giveToRun(target: string, uid: number | null, recursive = true): void {
  if (uid === null) return;
  let st;
  try {
    st = statSync(target);
  } catch {
    return; // nothing there yet
  }
  if (!recursive && st.uid === uid) return;
  execFileSync('chown', [...(recursive ? ['-R'] : []), '-h', `${uid}:${uid}`, target], {
    stdio: 'ignore',
  });
}
