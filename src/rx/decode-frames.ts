import { Observable, type OperatorFunction } from 'rxjs';
import { ErrorCode } from '../protocol/error-code';
import { FrameDecoder, type Frame, type FrameSink } from '../protocol/frames';
import { H2Error } from '../protocol/h2-error';
import { subscribeSerially } from './subscribe-serially';

/**
 * A stream-scope error found by the frame decoder (RFC 9113 §5.4.2), delivered
 * in-band by {@link decodeFrames} with `streamErrors: 'emit'`. The offending
 * frame was dropped (except a self-dependent HEADERS frame, which follows the
 * notice so that its field block still reaches HPACK, §4.3); the connection
 * goes on and the receiver answers with RST_STREAM(`error.code`) on
 * `error.streamId`.
 *
 * Its string `type` cannot collide with a frame's numeric `type`, so it can
 * share a `switch` with frames; or narrow with {@link isFrameErrorNotice}.
 */
export interface FrameErrorNotice {
  readonly type: 'streamError';
  readonly error: H2Error;
  /** Always absent, as on known frames, so `item.unknown` narrows the union the same way. */
  readonly unknown?: undefined;
}

/** Type guard for {@link FrameErrorNotice}. */
export function isFrameErrorNotice(item: Frame | FrameErrorNotice): item is FrameErrorNotice {
  return item.type === 'streamError';
}

/** Options of {@link decodeFrames}. */
export interface DecodeFramesOptions {
  /**
   * SETTINGS_MAX_FRAME_SIZE we advertised (RFC 9113 §4.2). Default 16384.
   * Ignored when {@link decoder} is given.
   */
  maxFrameSize?: number;
  /** Server side: expect the client connection preface first (§3.4). Ignored when {@link decoder} is given. */
  expectPreface?: boolean;
  /**
   * A decoder to use instead of a fresh one per subscription, so its owner can
   * call `setMaxFrameSize` when our SETTINGS are acknowledged (§6.5.3). It
   * holds one byte stream's state: use it for one subscription only.
   */
  decoder?: FrameDecoder;
  /**
   * Where stream-scope errors go:
   * - `'error'` (default): they error the observable, like connection errors.
   *   Strict, and the only choice that cannot lose an error when the output
   *   type is plain `Frame`.
   * - `'emit'`: they are emitted as {@link FrameErrorNotice} and decoding goes
   *   on; what a connection needs, since a stream error must not end it.
   */
  streamErrors?: 'error' | 'emit';
}

/**
 * Decodes a byte stream into HTTP/2 frames (RFC 9113 §4) with one
 * {@link FrameDecoder} per subscription.
 *
 * - Chunks may be split anywhere. Frames lying whole inside one chunk are
 *   `subarray` views of it (see {@link FrameDecoder}): feed chunks that are not
 *   overwritten later, as socket chunks are not.
 * - A connection-scope {@link H2Error} (answered with GOAWAY) errors the
 *   observable. Stream-scope errors error it too, unless
 *   `streamErrors: 'emit'` — nothing is silently dropped.
 * - If the source completes anywhere but at a frame boundary (inside the
 *   preface, a frame header, a payload or a skipped frame; see
 *   `FrameDecoder.atFrameBoundary`), the observable errors with an `io`
 *   H2Error (the peer closed mid-frame) instead of completing as if the
 *   stream were whole.
 * - Downstream may call `decoder.setMaxFrameSize` synchronously from `next`:
 *   it applies from the next frame header.
 */
export function decodeFrames(options: DecodeFramesOptions & { streamErrors: 'emit' }): OperatorFunction<Uint8Array, Frame | FrameErrorNotice>;
export function decodeFrames(options?: DecodeFramesOptions & { streamErrors?: 'error' }): OperatorFunction<Uint8Array, Frame>;
export function decodeFrames(options?: DecodeFramesOptions): OperatorFunction<Uint8Array, Frame | FrameErrorNotice>;
export function decodeFrames(options: DecodeFramesOptions = {}): OperatorFunction<Uint8Array, Frame | FrameErrorNotice> {
  const emitStreamErrors = options.streamErrors === 'emit';
  return (source) =>
    new Observable<Frame | FrameErrorNotice>((subscriber) => {
      const decoder = options.decoder ?? new FrameDecoder({ maxFrameSize: options.maxFrameSize, expectPreface: options.expectPreface });
      // One sink per subscription (not per chunk). After downstream unsubscribes
      // or an error was delivered, the rest of the current chunk is still parsed
      // by the decoder but nothing more is delivered.
      const sink: FrameSink = {
        frame(frame) {
          if (!subscriber.closed) subscriber.next(frame);
        },
        error(error) {
          if (subscriber.closed) return;
          if (error.scope === 'stream' && emitStreamErrors) subscriber.next({ type: 'streamError', error });
          else subscriber.error(error);
        },
      };
      const write = (chunk: Uint8Array): void => {
        try {
          decoder.write(chunk, sink);
        } catch (e) {
          // The decoder reports protocol errors through the sink; an exception here is a bug: pass it on.
          subscriber.error(e);
        }
      };

      const complete = (): void => {
        if (!decoder.atFrameBoundary) {
          subscriber.error(
            new H2Error('byte stream ended in the middle of a frame', {
              kind: 'io',
              code: ErrorCode.PROTOCOL_ERROR,
              scope: 'connection',
              initiator: 'remote',
            }),
          );
        } else {
          subscriber.complete();
        }
      };

      // FrameDecoder must not be written to from its own sink: a chunk that
      // arrives re-entrantly (pushed by a downstream reaction to a frame) is
      // decoded after the current one.
      return subscribeSerially(source, subscriber, write, complete);
    });
}
