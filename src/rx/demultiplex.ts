import { Observable, Subject, type OperatorFunction } from 'rxjs';
import type { CoreStream } from '../protocol/connection';
import type { SessionEvent, StreamEvent } from './session-events';

/**
 * One stream's events (headers, data, writable, closed), as an Observable
 * that completes after the stream's `streamClosed` event.
 */
export interface StreamChannel extends Observable<StreamEvent> {
  /** The core's stream this channel carries. */
  readonly stream: CoreStream;
}

/**
 * Demultiplexes a session's events into one {@link StreamChannel} per stream,
 * emitted at the stream's first event (for a server, a request's HEADERS; for
 * a client, a push promise or the first event of a request it made — which
 * may be its `streamClosed`, when the stream has a `context`).
 * Connection-level events (settings, ping, goaway, …) are not forwarded: take
 * them from the session's events directly.
 *
 * Like `groupBy`, the first event is delivered right after the channel is
 * emitted: subscribe to the channel synchronously in `next` to see it. There
 * is one Subject per stream (never per event), released when the stream closes
 * or the source ends; if the source errors, open channels error too.
 */
export function demultiplex(): OperatorFunction<SessionEvent, StreamChannel> {
  return (source) =>
    new Observable<StreamChannel>((subscriber) => {
      const open = new Map<CoreStream, Subject<StreamEvent>>();
      const subscription = source.subscribe({
        next(event) {
          if (!('stream' in event)) return;
          const stream = event.stream;
          let channel = open.get(stream);
          if (channel === undefined) {
            // A close of a stream never seen matters only to whoever holds it (its
            // `context`): a client request reset or refused before any response
            // event must still fail its caller.
            if (event.type === 'streamClosed' && stream.context === undefined) return;
            channel = new Subject<StreamEvent>();
            open.set(stream, channel);
            subscriber.next(Object.assign(channel.asObservable(), { stream }));
          }
          channel.next(event);
          if (event.type === 'streamClosed') {
            open.delete(stream);
            channel.complete();
          }
        },
        error(e) {
          for (const channel of open.values()) channel.error(e);
          open.clear();
          subscriber.error(e);
        },
        complete() {
          for (const channel of open.values()) channel.complete();
          open.clear();
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        open.clear();
      };
    });
}
