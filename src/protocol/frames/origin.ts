import { checkLatin1, readLatin1, writeLatin1, type FrameCodec } from './codec';
import { FrameType } from './frame-type';

/** ORIGIN (RFC 8336 §2): the origins the server is authoritative for on this connection. */
export interface OriginFrame {
  type: typeof FrameType.ORIGIN;
  streamId: 0;
  origins: string[];
  /** Always absent on known frames; see {@link UnknownFrame}. */
  unknown?: undefined;
}

/**
 * Codec of ORIGIN frames (RFC 8336 §2).
 *
 * Decoding ignores an ORIGIN frame on a stream other than 0 (§2.1: "invalid
 * and MUST be ignored"; skipped without buffering) and, by the same non-critical
 * extension logic, one whose Origin-Entry lengths overrun the payload. Flags
 * are ignored (§2.1 defines none). A server ignoring ORIGIN altogether is the
 * core's call.
 */
export const originCodec: FrameCodec<OriginFrame> = {
  type: FrameType.ORIGIN,

  flags() {
    return 0;
  },

  payloadLength(frame) {
    let n = 0;
    for (const origin of frame.origins) {
      checkLatin1(origin, 'ORIGIN entry');
      if (origin.length > 0xffff) throw new RangeError('ORIGIN entry longer than 65535 octets');
      n += 2 + origin.length;
    }
    return n;
  },

  writePayload(frame, out, offset) {
    for (const origin of frame.origins) {
      out[offset] = origin.length >>> 8;
      out[offset + 1] = origin.length & 0xff;
      writeLatin1(origin, out, offset + 2);
      offset += 2 + origin.length;
    }
  },

  checkHeader(_length, _flags, streamId) {
    return streamId !== 0 ? null : undefined;
  },

  decodePayload(_flags, _streamId, buf, start, end) {
    const origins: string[] = [];
    let pos = start;
    while (pos < end) {
      if (end - pos < 2) return null;
      const entryEnd = pos + 2 + ((buf[pos] << 8) | buf[pos + 1]);
      if (entryEnd > end) return null;
      origins.push(readLatin1(buf, pos + 2, entryEnd));
      pos = entryEnd;
    }
    return { type: FrameType.ORIGIN, streamId: 0, origins };
  },
};
