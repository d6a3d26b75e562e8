import { Listr, type ListrTaskWrapper } from 'listr2';
import type { RunEvent } from '../../model/events.js';
import { PHASES, type PhaseName } from '../../model/phases.js';

type Final = { status: 'done' | 'skipped' | 'failed'; message: string };

/**
 * Renders a run's phases as a listr2 task list driven by the run's events: each phase's task
 * waits for that phase to finish (events may arrive before its task starts, so outcomes are
 * buffered). Log lines show under the running phase. Falls back to plain lines when stdout
 * is not a terminal; NO_COLOR is honoured by listr2 and picocolors.
 */
export class TaskList {
  private readonly finals = new Map<PhaseName, Final>();
  private readonly waiting = new Map<
    PhaseName,
    { resolve: () => void; task: ListrTaskWrapper<unknown, never, never> }
  >();
  private current: PhaseName | null = null;
  private readonly done: Promise<unknown>;

  constructor(private readonly verbose: boolean) {
    const listr = new Listr(
      PHASES.map((name) => ({
        title: name,
        task: (_ctx: unknown, task: ListrTaskWrapper<unknown, never, never>) =>
          new Promise<void>((resolve, reject) => {
            this.current = name;
            const settle = (f: Final) =>
              f.status === 'failed'
                ? reject(new Error(f.message))
                : f.status === 'skipped'
                  ? (task.skip(`${name}: ${f.message}`), resolve())
                  : ((task.title = `${name} ${f.message}`), resolve());
            const known = this.finals.get(name);
            if (known) return settle(known);
            this.waiting.set(name, {
              resolve: () =>
                settle(this.finals.get(name) ?? { status: 'skipped', message: 'not reached' }),
              task,
            });
          }),
      })),
      {
        concurrent: false,
        exitOnError: false,
        // listr2's own SIGINT handler exits with 127 mid-run; `run` handles the signal itself
        // (aborts the run, marks it interrupted, exits 130).
        registerSignalListeners: false,
        renderer: verbose ? 'verbose' : 'default',
        fallbackRenderer: 'simple',
        rendererOptions: { collapseErrors: false },
      } as never,
    );
    this.done = listr.run().catch(() => undefined);
  }

  /** Feeds one run event to the list. */
  onEvent(e: RunEvent): void {
    const phase = e.phase as PhaseName | undefined;
    if (e.kind === 'phase' && phase) {
      const status = e.data?.status;
      if (status === 'done' || status === 'skipped' || status === 'failed')
        this.settle(phase, { status, message: e.message });
    } else if (
      (e.kind === 'info' || e.kind === 'service' || (e.kind === 'log' && this.verbose)) &&
      phase &&
      phase === this.current
    ) {
      const w = this.waiting.get(phase);
      if (w) w.task.output = `${e.service ? `${e.service}: ` : ''}${e.message}`.slice(0, 200);
    }
    if (e.kind === 'result')
      for (const name of PHASES)
        if (!this.finals.has(name))
          this.settle(name, { status: 'skipped', message: 'not reached' });
  }

  /** Resolves once the list has finished drawing. */
  async finished(): Promise<void> {
    await this.done;
  }

  private settle(phase: PhaseName, f: Final): void {
    if (this.finals.has(phase)) return;
    this.finals.set(phase, f);
    const w = this.waiting.get(phase);
    if (w) {
      this.waiting.delete(phase);
      w.resolve();
    }
  }
}
