import { EventEmitter } from 'node:events';
import type { RunEvent, RunEventBus } from '../model/events.js';
import type { Store } from '../model/store.js';

/**
 * A run's event bus. Agents and managers never print: they emit here. Every event is
 * recorded in the store in order (writes are chained) and handed to listeners (the CLI's
 * task list, the server's SSE stream).
 */
export class EventBus extends EventEmitter<{ event: [RunEvent] }> implements RunEventBus {
  private pending: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly runId: string,
    private readonly store: Store | null,
  ) {
    super();
  }

  /** Records and broadcasts an event. Never throws: a failed store write becomes a stderr note. */
  publish(event: RunEvent): void {
    if (this.store) {
      const store = this.store;
      this.pending = this.pending
        .then(() =>
          store.appendEvent({
            runId: this.runId,
            kind: event.kind,
            phase: event.phase ?? null,
            service: event.service ?? null,
            message: event.message,
            data: event.data ?? null,
          }),
        )
        .catch((err: unknown) =>
          process.stderr.write(`repo-runner: could not record event: ${String(err)}\n`),
        );
    }
    this.emit('event', event);
  }

  /** Resolves when every event published so far is in the store. */
  async flush(): Promise<void> {
    await this.pending;
  }
}
