import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { RepoRunnerError } from '../../model/errors.js';
import { runDir } from '../../model/paths.js';
import { requireRun } from '../../core/run-api.js';
import { withSession } from '../session.js';

/**
 * `repo-runner logs <run-id> [service] [-f]`: prints a service's log (or every log of the
 * run: services, installs, builds), and with `-f` keeps printing new lines until Ctrl-C.
 */
export async function logsCommand(
  runId: string,
  service: string | undefined,
  flags: { follow?: boolean },
): Promise<number> {
  const files = await withSession(async ({ home, store }) => {
    await requireRun(store, runId);
    const dir = path.join(runDir(home, runId), 'logs');
    const all = existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.log'))
          .sort()
      : [];
    if (!service) return all.map((f) => path.join(dir, f));
    const file = path.join(dir, `${service}.log`);
    if (!existsSync(file)) {
      throw new RepoRunnerError(
        'BAD_INPUT',
        `run ${runId} has no log named ${service}`,
        `logs of this run: ${all.map((f) => f.replace(/\.log$/, '')).join(', ') || 'none yet'}`,
      );
    }
    return [file];
  });
  const offsets = new Map<string, number>();
  const many = files.length > 1;
  const pump = () => {
    for (const file of files) {
      const size = existsSync(file) ? statSync(file).size : 0;
      const from = offsets.get(file) ?? 0;
      if (size <= from) continue;
      const buf = Buffer.alloc(size - from);
      const fd = openSync(file, 'r');
      readSync(fd, buf, 0, buf.length, from);
      closeSync(fd);
      offsets.set(file, size);
      const name = path.basename(file, '.log');
      const text = buf.toString('utf8');
      process.stdout.write(
        many
          ? text
              .split('\n')
              .filter((l, i, a) => l !== '' || i < a.length - 1)
              .map((l) => `${name} | ${l}`)
              .join('\n') + '\n'
          : text,
      );
    }
  };
  pump();
  if (!flags.follow) return 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(pump, 250);
    const end = () => {
      clearInterval(timer);
      resolve();
    };
    process.once('SIGINT', end);
    process.once('SIGTERM', end);
  });
  return 0;
}
