import { ErrorCode } from '../error-code';
import { H2Error } from '../h2-error';
import { readU31, U31_MASK, writeU32, type FrameCodec } from './codec';
import { FrameType, MAX_WINDOW_SIZE } from './frame-type';

/** WINDOW_UPDATE (RFC 9113 §6.9): credits `increment` octets to a stream's (or, on stream 0, the connection's) send window. */
export interface WindowUpdateFrame {
  type: typeof FrameType.WINDOW_UPDATE;
  streamId: number;
  increment: number;
  /** Always absent on known frames; see {@link UnknownFrame}. */
  unknown?: undefined;
}

/** Codec of WINDOW_UPDATE frames (RFC 9113 §6.9). */
export const windowUpdateCodec: FrameCodec<WindowUpdateFrame> = {
  type: FrameType.WINDOW_UPDATE,

  flags() {
    return 0;
  },

  payloadLength(frame) {
    if (!(frame.increment >= 1 && frame.increment <= MAX_WINDOW_SIZE)) {
      throw new RangeError(`WINDOW_UPDATE increment must be in 1..2^31-1, got ${frame.increment}`);
    }
    return 4;
  },

  writePayload(frame, out, offset) {
    writeU32(out, offset, frame.increment & U31_MASK);
  },

  checkHeader(length) {
    if (length !== 4) {
      return H2Error.connection(ErrorCode.FRAME_SIZE_ERROR, `WINDOW_UPDATE frame of ${length} octets, expected 4 (RFC 9113 §6.9)`);
    }
    return undefined;
  },

  decodePayload(_flags, streamId, buf, start) {
    const increment = readU31(buf, start);
    if (increment === 0) {
      // §6.9: a zero increment is a stream error, or a connection error when it targets the connection window.
      return streamId === 0
        ? H2Error.connection(ErrorCode.PROTOCOL_ERROR, 'WINDOW_UPDATE with a 0 increment on the connection (RFC 9113 §6.9)')
        : H2Error.stream(streamId, ErrorCode.PROTOCOL_ERROR, `WINDOW_UPDATE with a 0 increment on stream ${streamId} (RFC 9113 §6.9)`);
    }
    return { type: FrameType.WINDOW_UPDATE, streamId, increment };
  },
};
