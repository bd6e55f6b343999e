import { ErrorCode } from '../error-code';
import { H2Error } from '../h2-error';
import { readU31, readU32, U31_MASK, writeU32, type FrameCodec } from './codec';
import { FrameType } from './frame-type';

/** GOAWAY (RFC 9113 §6.8): the connection is shutting down; streams above `lastStreamId` were not processed. */
export interface GoawayFrame {
  type: typeof FrameType.GOAWAY;
  streamId: 0;
  lastStreamId: number;
  errorCode: number;
  debugData: Uint8Array;
  /** Always absent on known frames; see {@link UnknownFrame}. */
  unknown?: undefined;
}

/** Codec of GOAWAY frames (RFC 9113 §6.8). */
export const goawayCodec: FrameCodec<GoawayFrame> = {
  type: FrameType.GOAWAY,

  flags() {
    return 0;
  },

  payloadLength(frame) {
    return 8 + frame.debugData.length;
  },

  writePayload(frame, out, offset) {
    writeU32(out, offset, frame.lastStreamId & U31_MASK);
    writeU32(out, offset + 4, frame.errorCode >>> 0);
    out.set(frame.debugData, offset + 8);
  },

  checkHeader(length, _flags, streamId) {
    if (streamId !== 0) return H2Error.connection(ErrorCode.PROTOCOL_ERROR, `GOAWAY frame on stream ${streamId} (RFC 9113 §6.8)`);
    if (length < 8) return H2Error.connection(ErrorCode.FRAME_SIZE_ERROR, `GOAWAY frame of ${length} octets, at least 8 needed (RFC 9113 §6.8)`);
    return undefined;
  },

  decodePayload(_flags, _streamId, buf, start, end) {
    return {
      type: FrameType.GOAWAY,
      streamId: 0,
      lastStreamId: readU31(buf, start),
      errorCode: readU32(buf, start + 4),
      debugData: buf.subarray(start + 8, end),
    };
  },
};
