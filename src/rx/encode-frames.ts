import { Observable, type OperatorFunction } from 'rxjs';
import { encodeFrameInto, type Frame } from '../protocol/frames';
// Type-only, for the {@link} reference in the TSDoc.
import type { coalesceWrites } from './coalesce-writes';

/**
 * Serializes frames (RFC 9113 §4.1) into the chunks to write, in order.
 *
 * Zero-copy for DATA: a DATA frame leaves as its 9-octet header (10 when
 * padded), then `frame.data` itself, then padding from a shared zero buffer
 * (see {@link encodeFrameInto}); every other frame leaves as one fresh chunk.
 * So the producer of a DATA frame must not mutate `frame.data` until the
 * chunks are written. Follow with {@link coalesceWrites} to turn the chunks
 * of one tick into a single vectored write.
 *
 * A frame that arrives re-entrantly (pushed by a downstream reaction to a
 * chunk) is encoded after the current frame's chunks, never in between them.
 *
 * A frame the wire cannot carry (`RangeError`/`TypeError` from the encoder)
 * errors the observable; frames before it have been emitted.
 */
export function encodeFrames(): OperatorFunction<Frame, Uint8Array> {
  return (source) =>
    new Observable<Uint8Array>((subscriber) => {
      // One scratch list for the whole subscription, so a frame costs no array.
      const out: Uint8Array[] = [];
      // Re-entrant frames wait here (allocated only if that ever happens).
      let queue: Frame[] | null = null;
      let busy = false;
      /** The source completed re-entrantly: complete once the queue is drained. */
      let completePending = false;

      const emit = (frame: Frame): void => {
        try {
          encodeFrameInto(frame, out);
        } catch (e) {
          out.length = 0;
          subscriber.error(e);
          return;
        }
        for (let i = 0; i < out.length && !subscriber.closed; i++) subscriber.next(out[i]);
        out.length = 0;
      };

      return source.subscribe({
        next(frame) {
          if (busy) {
            (queue ??= []).push(frame);
            return;
          }
          busy = true;
          try {
            emit(frame);
            while (queue !== null && queue.length > 0 && !subscriber.closed) emit(queue.shift()!);
          } finally {
            busy = false;
          }
          if (completePending) subscriber.complete();
        },
        error(e) {
          subscriber.error(e);
        },
        complete() {
          if (busy) completePending = true;
          else subscriber.complete();
        },
      });
    });
}
