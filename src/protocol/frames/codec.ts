import type { H2Error } from '../h2-error';

/**
 * The per-type half of the frame codec. Each frame-type module exports one of
 * these; {@link encodeFrame} and {@link FrameDecoder} dispatch to them with a
 * `switch` on the type code so that every call site stays monomorphic.
 *
 * Decoding is split in two because of RFC 9113 §4.2 and SECURITY.md: the
 * header-only rules (stream id, length) are checked as soon as the 9-byte frame
 * header is in, *before* any payload is buffered, so that a frame that is going
 * to be rejected or ignored never costs memory.
 */
export interface FrameCodec<F> {
  /** The frame type code on the wire. */
  readonly type: number;
  /** The flag bits to write for `frame`: only those §6 defines for the type (§4.1). */
  flags(frame: F): number;
  /**
   * The payload length `frame` encodes to. Throws `RangeError` for values the
   * wire cannot carry (padding > 255, PING payload not 8 octets, …): those are
   * bugs of the caller, not protocol errors.
   */
  payloadLength(frame: F): number;
  /** Writes the payload of `frame` at `out[offset]`; `payloadLength(frame)` octets. */
  writePayload(frame: F, out: Uint8Array, offset: number): void;
  /**
   * Checks the rules that depend only on the frame header. Returns `undefined`
   * when the frame may proceed, an error (connection or stream scope) when it
   * breaks a rule, or `null` when the frame must be ignored (extension frames
   * that RFC 7838 / RFC 8336 say to ignore). The length is already known to be
   * within SETTINGS_MAX_FRAME_SIZE.
   */
  checkHeader(length: number, flags: number, streamId: number): H2Error | null | undefined;
  /**
   * Decodes the payload `buf[start, end)` of a frame whose header passed
   * {@link checkHeader}. Byte-array fields of the result are `subarray` views of
   * `buf`, not copies. Returns `null` when the frame must be ignored.
   */
  decodePayload(flags: number, streamId: number, buf: Uint8Array, start: number, end: number): F | H2Error | null;
}

/** A zero-length payload shared by every empty frame. */
export const EMPTY_BYTES: Uint8Array = new Uint8Array(0);

/** Mask that clears the reserved high bit of a 31-bit field (RFC 9113 §4.1, §6.9). */
export const U31_MASK = 0x7fffffff;

/** The largest value the 24-bit Length field can carry (RFC 9113 §4.1). */
export const MAX_FRAME_LENGTH = 0xffffff;

/**
 * Writes the 9-octet frame header (RFC 9113 §4.1) at `out[offset]`. The
 * reserved bit of the stream identifier is written as 0.
 */
export function writeFrameHeader(
  out: Uint8Array,
  offset: number,
  length: number,
  type: number,
  flags: number,
  streamId: number,
): void {
  if (length > MAX_FRAME_LENGTH) throw new RangeError(`frame payload of ${length} octets exceeds the 24-bit length field`);
  out[offset] = length >>> 16;
  out[offset + 1] = (length >>> 8) & 0xff;
  out[offset + 2] = length & 0xff;
  out[offset + 3] = type;
  out[offset + 4] = flags;
  writeU32(out, offset + 5, streamId & U31_MASK);
}

/** Reads a 32-bit unsigned big-endian integer. */
export function readU32(buf: Uint8Array, i: number): number {
  return ((buf[i] << 24) | (buf[i + 1] << 16) | (buf[i + 2] << 8) | buf[i + 3]) >>> 0;
}

/** Reads a 31-bit big-endian integer, dropping the reserved high bit (RFC 9113 §4.1). */
export function readU31(buf: Uint8Array, i: number): number {
  return ((buf[i] & 0x7f) << 24) | (buf[i + 1] << 16) | (buf[i + 2] << 8) | buf[i + 3];
}

/** Writes a 32-bit unsigned big-endian integer. */
export function writeU32(out: Uint8Array, i: number, value: number): void {
  out[i] = value >>> 24;
  out[i + 1] = (value >>> 16) & 0xff;
  out[i + 2] = (value >>> 8) & 0xff;
  out[i + 3] = value & 0xff;
}

/** Validates a padding amount given to the encoder: the Pad Length field is one octet (§6.1). */
export function checkPadding(padding: number): void {
  if (!(padding >= 0 && padding <= 255 && Number.isInteger(padding))) {
    throw new RangeError(`padding must be an integer in 0..255, got ${padding}`);
  }
}

/** Reads `buf[start, end)` as a latin1 string (ALTSVC and ORIGIN carry octet strings). */
export function readLatin1(buf: Uint8Array, start: number, end: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1');
}

/** Writes `s` as latin1 at `out[offset]`; the caller has run {@link checkLatin1}. */
export function writeLatin1(s: string, out: Uint8Array, offset: number): void {
  for (let i = 0; i < s.length; i++) out[offset + i] = s.charCodeAt(i);
}

/** Throws `RangeError` unless every character of `s` fits in one latin1 octet. */
export function checkLatin1(s: string, what: string): void {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0xff) throw new RangeError(`${what} must be latin1/ASCII: character ${i} is U+${s.charCodeAt(i).toString(16)}`);
  }
}
