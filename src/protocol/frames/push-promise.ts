import { ErrorCode } from '../error-code';
import { H2Error } from '../h2-error';
import { checkPadding, readU31, U31_MASK, writeU32, type FrameCodec } from './codec';
import { FrameFlag, FrameType } from './frame-type';

/**
 * PUSH_PROMISE (RFC 9113 §6.6): reserves `promisedStreamId` and carries the
 * first fragment of the promised request's field block. `padding` is defined
 * exactly when PADDED is (was) set; decoded frames always carry the key.
 */
export interface PushPromiseFrame {
  type: typeof FrameType.PUSH_PROMISE;
  streamId: number;
  promisedStreamId: number;
  headerBlock: Uint8Array;
  endHeaders: boolean;
  padding?: number;
  /** Always absent on known frames; see {@link UnknownFrame}. */
  unknown?: undefined;
}

/** Codec of PUSH_PROMISE frames (RFC 9113 §6.6). */
export const pushPromiseCodec: FrameCodec<PushPromiseFrame> = {
  type: FrameType.PUSH_PROMISE,

  flags(frame) {
    return (frame.endHeaders ? FrameFlag.END_HEADERS : 0) | (frame.padding !== undefined ? FrameFlag.PADDED : 0);
  },

  payloadLength(frame) {
    let n = 4 + frame.headerBlock.length;
    if (frame.padding !== undefined) {
      checkPadding(frame.padding);
      n += 1 + frame.padding;
    }
    return n;
  },

  writePayload(frame, out, offset) {
    const padding = frame.padding;
    if (padding !== undefined) out[offset++] = padding;
    writeU32(out, offset, frame.promisedStreamId & U31_MASK);
    offset += 4;
    out.set(frame.headerBlock, offset);
    if (padding !== undefined) {
      offset += frame.headerBlock.length;
      out.fill(0, offset, offset + padding);
    }
  },

  checkHeader(length, flags, streamId) {
    if (streamId === 0) return H2Error.connection(ErrorCode.PROTOCOL_ERROR, 'PUSH_PROMISE frame on stream 0 (RFC 9113 §6.6)');
    const min = ((flags & FrameFlag.PADDED) !== 0 ? 1 : 0) + 4;
    if (length < min) {
      return H2Error.connection(ErrorCode.FRAME_SIZE_ERROR, `PUSH_PROMISE frame of ${length} octets too short for its fields (RFC 9113 §4.2)`);
    }
    return undefined;
  },

  decodePayload(flags, streamId, buf, start, end) {
    let pos = start;
    let stop = end;
    let padding: number | undefined = undefined;
    if ((flags & FrameFlag.PADDED) !== 0) {
      padding = buf[pos++];
      stop = end - padding;
    }
    const promisedStreamId = readU31(buf, pos);
    pos += 4;
    // §6.6: padding longer than what follows the Pad Length field is a connection PROTOCOL_ERROR.
    if (stop < pos) {
      return H2Error.connection(ErrorCode.PROTOCOL_ERROR, `PUSH_PROMISE padding of ${padding} octets exceeds the ${end - start}-octet payload (RFC 9113 §6.6)`);
    }
    return {
      type: FrameType.PUSH_PROMISE,
      streamId,
      promisedStreamId,
      headerBlock: buf.subarray(pos, stop),
      endHeaders: (flags & FrameFlag.END_HEADERS) !== 0,
      padding,
    };
  },
};
