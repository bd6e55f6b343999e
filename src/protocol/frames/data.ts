import { ErrorCode } from '../error-code';
import { H2Error } from '../h2-error';
import { checkPadding, type FrameCodec } from './codec';
import { FrameFlag, FrameType } from './frame-type';

/**
 * DATA (RFC 9113 §6.1): a chunk of a stream's content.
 *
 * `padding` is defined exactly when the PADDED flag is (was) set, and counts
 * the padding octets, not the Pad Length octet. Decoded frames always carry
 * the `padding` key (`undefined` when unpadded) so that they share one hidden
 * class: test it with `padding !== undefined`, not with `'padding' in frame`.
 */
export interface DataFrame {
  type: typeof FrameType.DATA;
  streamId: number;
  data: Uint8Array;
  endStream: boolean;
  padding?: number;
  /** Always absent on known frames; see {@link UnknownFrame}. */
  unknown?: undefined;
}

/**
 * The octets a DATA frame charges against flow-control windows: the whole
 * payload, Pad Length octet and padding included (RFC 9113 §6.9, §6.1).
 */
export function flowControlledLength(frame: DataFrame): number {
  return dataPayloadLength(frame.data.length, frame.padding);
}

/** The payload length of a DATA frame carrying `dataLength` octets and `padding` (Pad Length octet included when padded). */
export function dataPayloadLength(dataLength: number, padding: number | undefined): number {
  return padding === undefined ? dataLength : dataLength + padding + 1;
}

/** The flags of a DATA frame (RFC 9113 §6.1): END_STREAM, PADDED. */
export function dataFlags(endStream: boolean, padding: number | undefined): number {
  return (endStream ? FrameFlag.END_STREAM : 0) | (padding !== undefined ? FrameFlag.PADDED : 0);
}

/** Codec of DATA frames (RFC 9113 §6.1). */
export const dataCodec: FrameCodec<DataFrame> = {
  type: FrameType.DATA,

  flags(frame) {
    return dataFlags(frame.endStream, frame.padding);
  },

  payloadLength(frame) {
    if (frame.padding !== undefined) checkPadding(frame.padding);
    return flowControlledLength(frame);
  },

  writePayload(frame, out, offset) {
    const padding = frame.padding;
    if (padding === undefined) {
      out.set(frame.data, offset);
      return;
    }
    out[offset] = padding;
    out.set(frame.data, offset + 1);
    const padStart = offset + 1 + frame.data.length;
    out.fill(0, padStart, padStart + padding);
  },

  checkHeader(length, flags, streamId) {
    // §6.1: DATA frames MUST be associated with a stream.
    if (streamId === 0) return H2Error.connection(ErrorCode.PROTOCOL_ERROR, 'DATA frame on stream 0 (RFC 9113 §6.1)');
    // §4.2: too small to hold the Pad Length field the PADDED flag announces.
    if ((flags & FrameFlag.PADDED) !== 0 && length < 1) {
      return H2Error.connection(ErrorCode.FRAME_SIZE_ERROR, 'padded DATA frame too short for its Pad Length field (RFC 9113 §4.2)');
    }
    return undefined;
  },

  decodePayload(flags, streamId, buf, start, end) {
    const endStream = (flags & FrameFlag.END_STREAM) !== 0;
    if ((flags & FrameFlag.PADDED) === 0) {
      return { type: FrameType.DATA, streamId, data: buf.subarray(start, end), endStream, padding: undefined };
    }
    const padding = buf[start];
    // §6.1: padding as long as the payload or longer is a connection PROTOCOL_ERROR.
    if (padding >= end - start) {
      return H2Error.connection(ErrorCode.PROTOCOL_ERROR, `DATA padding of ${padding} octets exceeds the ${end - start}-octet payload (RFC 9113 §6.1)`);
    }
    return { type: FrameType.DATA, streamId, data: buf.subarray(start + 1, end - padding), endStream, padding };
  },
};
