import { Observable, type OperatorFunction } from 'rxjs';
import { encodeFrameInto, type Frame } from '../protocol/frames';
import { subscribeSerially } from './subscribe-serially';
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

      // A frame that arrives re-entrantly is encoded after the current one's chunks.
      return subscribeSerially(source, subscriber, emit, () => subscriber.complete());
    });
}
