import { filter, type OperatorFunction } from 'rxjs';
import type { SessionEvent } from './session-events';

/** The session events of one `type`, narrowed to that member of {@link SessionEvent}. */
export function ofEventType<K extends SessionEvent['type']>(type: K): OperatorFunction<SessionEvent, Extract<SessionEvent, { type: K }>> {
  return filter((e): e is Extract<SessionEvent, { type: K }> => e.type === type);
}
