import { ErrorCode } from '../error-code';
import { H2Error } from '../h2-error';
import { checkPadding, type FrameCodec } from './codec';
import { FrameFlag, FrameType } from './frame-type';
import { checkPrioritySpec, PRIORITY_SPEC_LENGTH, readPrioritySpec, writePrioritySpec, type PrioritySpec } from './priority';

/**
 * HEADERS (RFC 9113 §6.2): opens a stream and carries the first fragment of a
 * field block; CONTINUATION frames follow until END_HEADERS.
 *
 * `padding` and `priority` are defined exactly when the PADDED / PRIORITY flags
 * are (were) set. Decoded frames always carry both keys (`undefined` when the
 * flag is clear) so that they share one hidden class.
 */
export interface HeadersFrame {
  type: typeof FrameType.HEADERS;
  streamId: number;
  headerBlock: Uint8Array;
  endStream: boolean;
  endHeaders: boolean;
  padding?: number;
  priority?: PrioritySpec;
  /** Always absent on known frames; see {@link UnknownFrame}. */
  unknown?: undefined;
}

/** Codec of HEADERS frames (RFC 9113 §6.2). */
export const headersCodec: FrameCodec<HeadersFrame> = {
  type: FrameType.HEADERS,

  flags(frame) {
    return (
      (frame.endStream ? FrameFlag.END_STREAM : 0) |
      (frame.endHeaders ? FrameFlag.END_HEADERS : 0) |
      (frame.padding !== undefined ? FrameFlag.PADDED : 0) |
      (frame.priority !== undefined ? FrameFlag.PRIORITY : 0)
    );
  },

  payloadLength(frame) {
    let n = frame.headerBlock.length;
    if (frame.padding !== undefined) {
      checkPadding(frame.padding);
      n += 1 + frame.padding;
    }
    if (frame.priority !== undefined) {
      checkPrioritySpec(frame.priority);
      n += PRIORITY_SPEC_LENGTH;
    }
    return n;
  },

  writePayload(frame, out, offset) {
    const padding = frame.padding;
    if (padding !== undefined) out[offset++] = padding;
    if (frame.priority !== undefined) {
      writePrioritySpec(frame.priority, out, offset);
      offset += PRIORITY_SPEC_LENGTH;
    }
    out.set(frame.headerBlock, offset);
    if (padding !== undefined) {
      offset += frame.headerBlock.length;
      out.fill(0, offset, offset + padding);
    }
  },

  checkHeader(length, flags, streamId) {
    if (streamId === 0) return H2Error.connection(ErrorCode.PROTOCOL_ERROR, 'HEADERS frame on stream 0 (RFC 9113 §6.2)');
    const min = ((flags & FrameFlag.PADDED) !== 0 ? 1 : 0) + ((flags & FrameFlag.PRIORITY) !== 0 ? PRIORITY_SPEC_LENGTH : 0);
    // §4.2: too small for the mandatory fields its flags announce; a field-block frame, so connection scope.
    if (length < min) {
      return H2Error.connection(ErrorCode.FRAME_SIZE_ERROR, `HEADERS frame of ${length} octets too short for its PADDED/PRIORITY fields (RFC 9113 §4.2)`);
    }
    return undefined;
  },

  decodePayload(flags, streamId, buf, start, end) {
    let pos = start;
    let stop = end;
    let padding: number | undefined = undefined;
    let priority: PrioritySpec | undefined = undefined;
    if ((flags & FrameFlag.PADDED) !== 0) {
      padding = buf[pos++];
      stop = end - padding;
    }
    if ((flags & FrameFlag.PRIORITY) !== 0) {
      priority = readPrioritySpec(buf, pos);
      pos += PRIORITY_SPEC_LENGTH;
    }
    // §6.2: padding that reaches into the fields before it (or past the payload) is a connection PROTOCOL_ERROR.
    if (stop < pos) {
      return H2Error.connection(ErrorCode.PROTOCOL_ERROR, `HEADERS padding of ${padding} octets exceeds the ${end - start}-octet payload (RFC 9113 §6.2)`);
    }
    return {
      type: FrameType.HEADERS,
      streamId,
      headerBlock: buf.subarray(pos, stop),
      endStream: (flags & FrameFlag.END_STREAM) !== 0,
      endHeaders: (flags & FrameFlag.END_HEADERS) !== 0,
      padding,
      priority,
    };
  },
};
