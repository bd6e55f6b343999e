import { ErrorCode } from '../error-code';
import { H2Error } from '../h2-error';
import type { FrameCodec } from './codec';
import { FrameFlag, FrameType } from './frame-type';

/** PING (RFC 9113 §6.7): 8 opaque octets, echoed back with ACK. */
export interface PingFrame {
  type: typeof FrameType.PING;
  streamId: 0;
  ack: boolean;
  payload: Uint8Array;
  /** Always absent on known frames; see {@link UnknownFrame}. */
  unknown?: undefined;
}

/** Length of a PING payload (RFC 9113 §6.7). */
export const PING_PAYLOAD_LENGTH = 8;

/** Codec of PING frames (RFC 9113 §6.7). */
export const pingCodec: FrameCodec<PingFrame> = {
  type: FrameType.PING,

  flags(frame) {
    return frame.ack ? FrameFlag.ACK : 0;
  },

  payloadLength(frame) {
    if (frame.payload.length !== PING_PAYLOAD_LENGTH) throw new RangeError(`PING payload must be 8 octets, got ${frame.payload.length}`);
    return PING_PAYLOAD_LENGTH;
  },

  writePayload(frame, out, offset) {
    out.set(frame.payload, offset);
  },

  checkHeader(length, _flags, streamId) {
    if (streamId !== 0) return H2Error.connection(ErrorCode.PROTOCOL_ERROR, `PING frame on stream ${streamId} (RFC 9113 §6.7)`);
    if (length !== PING_PAYLOAD_LENGTH) {
      return H2Error.connection(ErrorCode.FRAME_SIZE_ERROR, `PING frame of ${length} octets, expected 8 (RFC 9113 §6.7)`);
    }
    return undefined;
  },

  decodePayload(flags, _streamId, buf, start, end) {
    return { type: FrameType.PING, streamId: 0, ack: (flags & FrameFlag.ACK) !== 0, payload: buf.subarray(start, end) };
  },
};
