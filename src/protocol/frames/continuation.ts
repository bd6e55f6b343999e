import { ErrorCode } from '../error-code';
import { H2Error } from '../h2-error';
import type { FrameCodec } from './codec';
import { FrameFlag, FrameType } from './frame-type';

/**
 * CONTINUATION (RFC 9113 §6.10): a further fragment of a field block. That it
 * follows a HEADERS / PUSH_PROMISE of the same stream without END_HEADERS is
 * connection state, checked by the core, not here.
 */
export interface ContinuationFrame {
  type: typeof FrameType.CONTINUATION;
  streamId: number;
  headerBlock: Uint8Array;
  endHeaders: boolean;
  /** Always absent on known frames; see {@link UnknownFrame}. */
  unknown?: undefined;
}

/** Codec of CONTINUATION frames (RFC 9113 §6.10). */
export const continuationCodec: FrameCodec<ContinuationFrame> = {
  type: FrameType.CONTINUATION,

  flags(frame) {
    return frame.endHeaders ? FrameFlag.END_HEADERS : 0;
  },

  payloadLength(frame) {
    return frame.headerBlock.length;
  },

  writePayload(frame, out, offset) {
    out.set(frame.headerBlock, offset);
  },

  checkHeader(_length, _flags, streamId) {
    if (streamId === 0) return H2Error.connection(ErrorCode.PROTOCOL_ERROR, 'CONTINUATION frame on stream 0 (RFC 9113 §6.10)');
    return undefined;
  },

  decodePayload(flags, streamId, buf, start, end) {
    return {
      type: FrameType.CONTINUATION,
      streamId,
      headerBlock: buf.subarray(start, end),
      endHeaders: (flags & FrameFlag.END_HEADERS) !== 0,
    };
  },
};
