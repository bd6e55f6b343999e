import { checkLatin1, readLatin1, writeLatin1, type FrameCodec } from './codec';
import { FrameType } from './frame-type';

/**
 * ALTSVC (RFC 7838 §4): advertises alternative services. On stream 0 `origin`
 * names the origin it applies to; on any other stream `origin` is empty and it
 * applies to that stream's origin. Both strings are octet strings (latin1).
 */
export interface AltsvcFrame {
  type: typeof FrameType.ALTSVC;
  streamId: number;
  origin: string;
  fieldValue: string;
  /** Always absent on known frames; see {@link UnknownFrame}. */
  unknown?: undefined;
}

/**
 * Codec of ALTSVC frames (RFC 7838 §4).
 *
 * Decoding drops (ignores) every invalid ALTSVC frame instead of failing the
 * connection: RFC 7838 §4 makes ALTSVC a non-critical extension whose invalid
 * instances "MUST be ignored" (non-empty origin on a stream, empty origin on
 * stream 0), and it defines no error for a malformed payload, so a payload
 * shorter than the Origin-Len field or an Origin-Len overrunning the payload
 * is ignored the same way (as nghttp2 does). Whether a server must ignore
 * ALTSVC altogether (§4: "MUST ignore it") is the core's call: the codec does
 * not know its role. The encoder writes what it is given.
 */
export const altsvcCodec: FrameCodec<AltsvcFrame> = {
  type: FrameType.ALTSVC,

  flags() {
    return 0;
  },

  payloadLength(frame) {
    checkLatin1(frame.origin, 'ALTSVC origin');
    checkLatin1(frame.fieldValue, 'ALTSVC field value');
    if (frame.origin.length > 0xffff) throw new RangeError('ALTSVC origin longer than 65535 octets');
    return 2 + frame.origin.length + frame.fieldValue.length;
  },

  writePayload(frame, out, offset) {
    const n = frame.origin.length;
    out[offset] = n >>> 8;
    out[offset + 1] = n & 0xff;
    writeLatin1(frame.origin, out, offset + 2);
    writeLatin1(frame.fieldValue, out, offset + 2 + n);
  },

  checkHeader(length) {
    return length < 2 ? null : undefined;
  },

  decodePayload(_flags, streamId, buf, start, end) {
    const originEnd = start + 2 + ((buf[start] << 8) | buf[start + 1]);
    if (originEnd > end) return null;
    // RFC 7838 §4: origin present ⇔ stream 0; otherwise the frame is invalid and ignored.
    if ((streamId === 0) !== originEnd > start + 2) return null;
    return {
      type: FrameType.ALTSVC,
      streamId,
      origin: readLatin1(buf, start + 2, originEnd),
      fieldValue: readLatin1(buf, originEnd, end),
    };
  },
};
