import { defer, distinctUntilChanged, filter, map, type Observable, of, startWith, takeWhile } from 'rxjs';
import type { CoreStream } from '../protocol/connection';
import { StreamState } from '../protocol/streams';
import type { SessionPipeline } from './session-pipeline';

/** A stream's state as RFC 9113 §5.1 names it. */
export type StreamStateName = 'idle' | 'reserved (local)' | 'reserved (remote)' | 'open' | 'half-closed (local)' | 'half-closed (remote)' | 'closed';

/** One stream entering a state, as `RxSession.streamStates$` reports it. */
export interface StreamStateEvent {
  /** The stream id (0 for a request still waiting for a stream slot). */
  readonly id: number;
  /** Opened by us (a request on a client, a push on a server). */
  readonly local: boolean;
  readonly state: StreamStateName;
}

/** The RFC name of each core state: the core's closed variants (why it closed) are all `closed` here. */
const NAMES: Record<StreamState, StreamStateName> = {
  [StreamState.IDLE]: 'idle',
  [StreamState.RESERVED_LOCAL]: 'reserved (local)',
  [StreamState.RESERVED_REMOTE]: 'reserved (remote)',
  [StreamState.OPEN]: 'open',
  [StreamState.HALF_CLOSED_LOCAL]: 'half-closed (local)',
  [StreamState.HALF_CLOSED_REMOTE]: 'half-closed (remote)',
  [StreamState.CLOSED_END_STREAM]: 'closed',
  [StreamState.CLOSED_LOCAL_RESET]: 'closed',
  [StreamState.CLOSED_REMOTE_RESET]: 'closed',
  [StreamState.CLOSED_FORGOTTEN]: 'closed',
  [StreamState.CLOSED_IMPLICIT]: 'closed',
};

/** The RFC 9113 §5.1 name of a core state. */
export function stateName(state: StreamState): StreamStateName {
  return NAMES[state];
}

/** Every stream state change of `pipeline`'s session; recording starts at the first subscription. */
export function streamStates(pipeline: SessionPipeline): Observable<StreamStateEvent> {
  return defer(() => {
    pipeline.watchStreamStates();
    return pipeline.streamStates$.pipe(map((c) => ({ id: c.stream.id, local: c.stream.local, state: NAMES[c.state] })));
  });
}

/**
 * The states of one stream: the one it is in at subscription, then each
 * change, completing after `closed`. Recording starts at the first
 * subscription; changes already reflected in the state read then are skipped.
 */
export function stateOf(pipeline: SessionPipeline, stream: CoreStream): Observable<StreamStateName> {
  return defer(() => {
    const seen = pipeline.watchStreamStates();
    const now = NAMES[stream.state];
    if (now === 'closed') return of(now);
    return pipeline.streamStates$.pipe(
      filter((c) => c.stream === stream && c.seq > seen),
      map((c) => NAMES[c.state]),
      startWith(now),
      distinctUntilChanged(),
      takeWhile((state) => state !== 'closed', true),
    );
  });
}
