/** How long a kill waits for the group to empty before it gives up: 10 s (the bound). */
export const KILL_TIMEOUT_MS = 10_000;

/** What {@link killGroupMembers} needs of a backend. */
export interface KillableGroup {
  /** Live members now. */
  members(): number[];
  /** Stops every member from running (and forking); resolves when frozen or after 1 s. */
  freeze(): Promise<void>;
  /** Lets members run again, so queued SIGKILLs are delivered. */
  thaw(): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Kills every member of a group, in rounds: freeze, SIGKILL each member listed, thaw, wait
 * briefly; until the group is empty. Freezing first means a fork bomb cannot add members
 * between the listing and the kills; a second round catches any that slipped in before the
 * freeze took.
 *
 * @returns how many distinct processes were sent SIGKILL.
 * @throws Error when members are still alive after `timeoutMs`.
 */
export async function killGroupMembers(
  group: KillableGroup,
  timeoutMs = KILL_TIMEOUT_MS,
): Promise<number> {
  const killed = new Set<number>();
  const deadline = Date.now() + timeoutMs;
  while (group.members().length > 0) {
    if (Date.now() > deadline) {
      group.thaw();
      throw new Error(
        `processes ${group.members().join(', ')} survived SIGKILL for ${timeoutMs} ms`,
      );
    }
    await group.freeze();
    for (const pid of group.members()) {
      try {
        process.kill(pid, 'SIGKILL');
        killed.add(pid);
      } catch {
        /* exited meanwhile */
      }
    }
    group.thaw();
    const roundEnd = Math.min(deadline, Date.now() + 500);
    while (Date.now() < roundEnd && group.members().length > 0) await sleep(10);
  }
  return killed.size;
}
