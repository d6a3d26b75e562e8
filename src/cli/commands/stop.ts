import { stopRun } from '../../core/run-api.js';
import { withSession } from '../session.js';

/** `repo-runner stop <run-id>`: stops the supervisor, every process of the run, frees its ports. */
export async function stopCommand(runId: string, flags: { json?: boolean }): Promise<number> {
  return withSession(async ({ store }) => {
    const { stoppedGroups } = await stopRun(store, runId);
    process.stdout.write(
      flags.json
        ? `${JSON.stringify({ runId, status: 'stopped', stoppedGroups })}\n`
        : `run ${runId} stopped\n`,
    );
    return 0;
  });
}
