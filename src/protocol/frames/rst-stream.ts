import { ErrorCode } from '../error-code';
import { H2Error } from '../h2-error';
import { readU32, writeU32, type FrameCodec } from './codec';
import { FrameType } from './frame-type';

/** RST_STREAM (RFC 9113 §6.4): terminates one stream with an error code (§7). */
export interface RstStreamFrame {
  type: typeof FrameType.RST_STREAM;
  streamId: number;
  errorCode: number;
  /** Always absent on known frames; see {@link UnknownFrame}. */
  unknown?: undefined;
}

/** Codec of RST_STREAM frames (RFC 9113 §6.4). */
export const rstStreamCodec: FrameCodec<RstStreamFrame> = {
  type: FrameType.RST_STREAM,

  flags() {
    return 0;
  },

  payloadLength() {
    return 4;
  },

  writePayload(frame, out, offset) {
    writeU32(out, offset, frame.errorCode >>> 0);
  },

  checkHeader(length, _flags, streamId) {
    if (streamId === 0) return H2Error.connection(ErrorCode.PROTOCOL_ERROR, 'RST_STREAM frame on stream 0 (RFC 9113 §6.4)');
    if (length !== 4) {
      return H2Error.connection(ErrorCode.FRAME_SIZE_ERROR, `RST_STREAM frame of ${length} octets, expected 4 (RFC 9113 §6.4)`);
    }
    return undefined;
  },

  decodePayload(_flags, streamId, buf, start) {
    return { type: FrameType.RST_STREAM, streamId, errorCode: readU32(buf, start) };
  },
};
