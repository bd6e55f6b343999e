import { config, Observable, type MonoTypeOperatorFunction, type Observer } from 'rxjs';
import { FrameDecoder, MAX_MAX_FRAME_SIZE, type Frame, type FrameSink } from '../protocol/frames';
import type { H2Error } from '../protocol/h2-error';
// Type-only, for the {@link} reference in the TSDoc.
import type { coalesceWrites } from './coalesce-writes';

/** Which way the tapped bytes flow: `inbound` (from the peer) or `outbound` (to the peer). */
export type FrameDirection = 'inbound' | 'outbound';

/**
 * What {@link tapFrames} reports: a frame seen on the wire, or an error its
 * own decoder found in the bytes (a stream-scope one drops that frame only; a
 * connection-scope one ends the tap's decoding, the main stream is unaffected).
 */
export type FrameTapEvent =
  | { readonly direction: FrameDirection; readonly frame: Frame; readonly error?: undefined }
  | { readonly direction: FrameDirection; readonly error: H2Error; readonly frame?: undefined };

/** Options of {@link tapFrames}. */
export interface TapFramesOptions {
  /** The bytes start with the client connection preface (a server's inbound side, RFC 9113 §3.4). */
  expectPreface?: boolean;
}

/**
 * A debugging tap (the `frames$` debug stream): decodes a copy of the bytes
 * flowing through, with its own {@link FrameDecoder}, and reports each frame
 * to `observer`, without altering, delaying or reordering the stream.
 *
 * - Works on single chunks and on arrays of chunks (after {@link coalesceWrites}).
 * - Each chunk is copied before decoding because the decoder hands out views
 *   into its input: reported frames must not alias buffers the main stream's
 *   owner may reuse, nor pin them.
 * - The tap observes and does not police: its decoder accepts any frame size
 *   up to 2^24-1, so it reports what is on the wire rather than our limits.
 *   A frame is reported right after the chunk holding its last octet has
 *   passed downstream.
 * - `observer.complete`/`observer.error` mirror the main stream's end, as
 *   with RxJS's `tap`; `observer.next` receives {@link FrameTapEvent}s.
 * - The tap never breaks the main stream: garbage bytes become an error
 *   event, and an exception thrown by the observer disables the tap for this
 *   subscription and is reported as RxJS reports errors with nowhere to go
 *   (`config.onUnhandledError`, else rethrown asynchronously).
 */
export function tapFrames<T extends Uint8Array | Uint8Array[]>(
  direction: FrameDirection,
  observer: Partial<Observer<FrameTapEvent>> | ((event: FrameTapEvent) => void),
  options: TapFramesOptions = {},
): MonoTypeOperatorFunction<T> {
  const tapObserver: Partial<Observer<FrameTapEvent>> = typeof observer === 'function' ? { next: observer } : observer;
  return (source) =>
    new Observable<T>((subscriber) => {
      const decoder = new FrameDecoder({ maxFrameSize: MAX_MAX_FRAME_SIZE, expectPreface: options.expectPreface });
      let enabled = true;
      const call = <A>(fn: ((arg: A) => void) | undefined, arg: A): void => {
        if (!enabled || fn === undefined) return;
        try {
          fn.call(tapObserver, arg);
        } catch (e) {
          enabled = false;
          reportUnhandledError(e);
        }
      };
      const sink: FrameSink = {
        frame(frame) {
          call(tapObserver.next, { direction, frame });
        },
        error(error) {
          call(tapObserver.next, { direction, error });
        },
      };
      // Copies wait here in arrival order. They are taken before the value
      // passes downstream and decoded after, so that a re-entrant write (made
      // by downstream or by the observer) keeps its place in both streams and
      // the decoder is never written to from its own sink.
      const queue: Uint8Array[] = [];
      let draining = false;
      const drain = (): void => {
        if (draining) return;
        draining = true;
        try {
          while (queue.length > 0 && enabled && !decoder.dead) decoder.write(queue.shift()!, sink);
        } catch (e) {
          // Only a sink exception escapes `write`, and `call` catches those; this is a last guard.
          enabled = false;
          reportUnhandledError(e);
        } finally {
          draining = false;
        }
        if (!enabled || decoder.dead) queue.length = 0;
      };
      return source.subscribe({
        next(value) {
          // Copy only while the tap is live: a dead decoder or a disabled tap costs nothing.
          if (enabled && !decoder.dead) queue.push(Array.isArray(value) ? concatCopy(value) : (value as Uint8Array).slice());
          subscriber.next(value);
          drain();
        },
        error(e) {
          drain();
          call(tapObserver.error, e);
          subscriber.error(e);
        },
        complete() {
          drain();
          call(tapObserver.complete, undefined);
          subscriber.complete();
        },
      });
    });
}

/** One private copy of a batch of chunks (one allocation per batch, not per chunk). */
function concatCopy(chunks: Uint8Array[]): Uint8Array {
  let length = 0;
  for (let i = 0; i < chunks.length; i++) length += chunks[i].length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (let i = 0; i < chunks.length; i++) {
    out.set(chunks[i], offset);
    offset += chunks[i].length;
  }
  return out;
}

/** RxJS's policy for errors that have nowhere to go (its own `reportUnhandledError` is internal). */
function reportUnhandledError(e: unknown): void {
  const handler = config.onUnhandledError;
  if (handler != null) {
    handler(e);
  } else {
    setTimeout(() => {
      throw e;
    });
  }
}
