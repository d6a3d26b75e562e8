/** What happened, for the task list, the store and SSE. */
export type RunEventKind = 'phase' | 'log' | 'service' | 'warning' | 'info' | 'result';

/** One event on a run's bus. `data` is plain JSON. */
export interface RunEvent {
  kind: RunEventKind;
  message: string;
  phase?: string;
  service?: string;
  data?: Record<string, unknown>;
}

/**
 * A run's event bus as agents and managers see it: they never print, they publish here.
 * The implementation (`store/event-bus.ts`) records every event in the store in order and
 * hands it to listeners (the CLI's task list, the server's SSE stream).
 */
export interface RunEventBus {
  /** Records and broadcasts an event. Never throws. */
  publish(event: RunEvent): void;
  /** Adds a listener for every event published from now on. */
  on(name: 'event', listener: (event: RunEvent) => void): unknown;
  /** Removes a listener added with {@link RunEventBus.on}. */
  off(name: 'event', listener: (event: RunEvent) => void): unknown;
  /** Resolves when every event published so far is recorded. */
  flush(): Promise<void>;
}
