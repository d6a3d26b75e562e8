import { readFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { cgroupAvailability } from './cgroup.js';

/**
 * True when run cgroups can be made here. Otherwise skips the test, except in CI
 * (`CI=true`), where a missing cgroup is a broken machine and fails the test.
 */
export function needCgroups(t: TestContext): boolean {
  const a = cgroupAvailability();
  if (a.available) return true;
  if (process.env.CI === 'true') throw new Error(`cgroups required in CI: ${a.reason}`);
  t.skip(a.reason);
  return false;
}

/** A run id no other test (or engineer) on this machine uses at the same time. */
export function testRunId(label: string): string {
  return `test-${label}-${process.pid}-${Date.now().toString(36)}`;
}

/** Pids among `pids` still alive and not zombies, read from /proc/<pid>/stat. */
export function liveProcesses(pids: readonly number[]): number[] {
  return pids.filter((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
    } catch {
      return false;
    }
  });
}
