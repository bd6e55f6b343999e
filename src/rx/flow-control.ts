import type { Observable } from 'rxjs';
import { errorCodeName } from '../protocol/error-code';
import { H2Error } from '../protocol/h2-error';
import { BodyIterable } from './body-iterable';
import { connectionFailure } from './connection-failure';
import type { StreamEvent } from './session-events';

/** What {@link flowControlledBody} needs from the session. */
export interface BodyCredit {
  /** The consumer read `bytes`: credit the stream and connection receive windows (may send WINDOW_UPDATE). */
  consumed(bytes: number): void;
  /** The consumer stopped early: reset the stream (CANCEL) and refund the `unconsumedBytes` it never read. */
  cancel(unconsumedBytes: number): void;
}

/**
 * A stream's body as a pull-based ix AsyncIterable with real backpressure
 * (DESIGN principle 4): DATA events are buffered in a {@link BodyIterable},
 * and the receive windows are credited — so WINDOW_UPDATE reaches the peer —
 * only as the consumer takes chunks. The buffer is bounded by the stream's
 * receive window, which the peer cannot exceed.
 *
 * The body ends with the stream's END_STREAM and fails if the stream is closed
 * by a reset or a connection error before it.
 */
export function flowControlledBody(events$: Observable<StreamEvent>, credit: BodyCredit, maxBufferedBytes?: number): BodyIterable {
  const body = new BodyIterable({
    onConsumed: (n) => credit.consumed(n),
    onCancel: (n) => {
      subscription.unsubscribe();
      credit.cancel(n);
    },
    maxBufferedBytes,
  });
  let ended = false;
  const subscription = events$.subscribe({
    next(event) {
      switch (event.type) {
        case 'data':
          if (event.data.length > 0) body.push(event.data);
          else if (!event.endStream) break;
          if (event.endStream) end();
          break;
        case 'headers':
          if (event.endStream) end();
          break;
        case 'streamClosed':
          if (!ended) {
            ended = true;
            body.fail(closedError(event));
          }
          break;
        default:
          break;
      }
    },
    error(e) {
      if (!ended) {
        ended = true;
        body.fail(e);
      }
    },
  });
  function end(): void {
    if (ended) return;
    ended = true;
    body.end();
  }
  return body;
}

function closedError(event: Extract<StreamEvent, { type: 'streamClosed' }>): H2Error {
  const failure = connectionFailure(event.stream);
  if (failure !== undefined) return failure;
  return new H2Error(`stream closed before the end of its body (${errorCodeName(event.code)})`, {
    kind: 'reset',
    code: event.code,
    scope: 'stream',
    streamId: event.stream.id,
    initiator: event.initiator === 'remote' ? 'remote' : 'local',
    retryable: event.stream.retryable,
  });
}
