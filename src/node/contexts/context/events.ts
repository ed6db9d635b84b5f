import type { EventView } from '../view.ts';
import { MAX_EVENTS } from './selectors/events.ts';

/** App events as they happen: listeners hear every one; my own are kept (their whole payloads exist only here). */
export function createEventLog(myRoot: string) {
  const events: EventView[] = [];
  const listeners = new Set<(e: EventView) => void>();
  return {
    emit(e: EventView): void {
      if (e.executor === myRoot) {
        events.push(e);
        if (events.length > MAX_EVENTS) events.shift();
      }
      for (const l of listeners) l(e);
    },
    /** My events, oldest first. */
    mine: (): readonly EventView[] => events,
    onEvent(listener: (e: EventView) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type EventLog = ReturnType<typeof createEventLog>;
