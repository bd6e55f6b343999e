/**
 * HPACK primitive types (RFC 7541 §5): prefixed integers and string literals,
 * read from a Uint8Array with an offset and written into a growable buffer.
 *
 * Header names and values are latin1 byte strings: one JS char per octet. This
 * is what node:http2 does: received octets become latin1 strings, and each
 * UTF-16 code unit of a string to send is truncated to its low byte (so `'€'`,
 * U+20AC, goes out as 0xAC; checked against Node 20).
 * @packageDocumentation
 */

import { ErrorCode } from '../error-code';
import { H2Error } from '../h2-error';
import { huffmanDecode, huffmanDecodedLength, huffmanEncode, huffmanEncodedLength, huffmanMaxDecodedLength } from './huffman';

/**
 * Largest integer accepted by the decoder: 2^32 − 1. Every HPACK integer is an
 * index, a string length or a table size, and SETTINGS values are 32-bit; a
 * larger one is an attack or garbage (§5.1: "Integer encodings that exceed
 * implementation limits ... MUST be treated as decoding errors").
 */
export const MAX_HPACK_INTEGER = 0xffffffff;

/** Buffer methods Node has had for years but @types/node does not declare. */
interface Latin1Buffer extends Buffer {
  latin1Slice(start: number, end: number): string;
  latin1Write(s: string, offset: number, length?: number): number;
}

/**
 * Size above which the reader's scratch and the writer's buffer are dropped
 * after use instead of kept: one huge header block must not pin memory for
 * the rest of the connection (SECURITY #5: nothing retained after a block).
 */
export const RETAINED_BUFFER_MAX = 64 * 1024;

const latin1Slice = (Buffer.prototype as Latin1Buffer).latin1Slice;

/** Reads `u8[start..end)` as a latin1 string, without copying the bytes first. */
export function latin1(u8: Uint8Array, start: number, end: number): string {
  return latin1Slice.call(u8 as Latin1Buffer, start, end);
}

const EMPTY = new Uint8Array(0);

/** A connection error COMPRESSION_ERROR: the peer's HPACK encoder is broken or hostile (RFC 7541 §3, RFC 9113 §4.3). */
export function compressionError(message: string): H2Error {
  return H2Error.connection(ErrorCode.COMPRESSION_ERROR, `HPACK: ${message}`);
}

/**
 * A cursor over one header block. The decoder keeps one and re-targets it for
 * each block, so reading allocates nothing but the strings it returns.
 */
export class HpackReader {
  /** The block being read. */
  buf: Uint8Array = new Uint8Array(0);
  /** Next octet to read. */
  pos = 0;
  /** End of the block. */
  end = 0;
  /** Whether the last {@link stringHeader} was Huffman-coded. */
  huffman = false;
  /** Output of Huffman decoding; grows with the largest string of a block (bounded by the block size), see {@link release}. */
  scratch: Buffer = Buffer.allocUnsafe(256);

  /** Points the reader at `buf[start..end)`. */
  reset(buf: Uint8Array, start = 0, end = buf.length): void {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  /** Drops the block and an oversized scratch buffer, so neither outlives the block. */
  release(): void {
    this.buf = EMPTY;
    this.pos = this.end = 0;
    if (this.scratch.length > RETAINED_BUFFER_MAX) this.scratch = Buffer.allocUnsafe(256);
  }

  /**
   * Reads an integer with an N-bit prefix (§5.1); the bits above the prefix in
   * the first octet are ignored (the caller has looked at them).
   * @throws H2Error COMPRESSION_ERROR if truncated or larger than {@link MAX_HPACK_INTEGER}.
   */
  integer(prefixBits: number): number {
    const buf = this.buf;
    if (this.pos >= this.end) throw compressionError('truncated integer (RFC 7541 §5.1)');
    const max = (1 << prefixBits) - 1;
    let v = buf[this.pos++] & max;
    if (v < max) return v;
    let shift = 1;
    let b: number;
    do {
      if (this.pos >= this.end) throw compressionError('truncated integer (RFC 7541 §5.1)');
      b = buf[this.pos++];
      v += (b & 0x7f) * shift;
      shift *= 128;
      // 5 continuation octets carry 35 bits: anything longer is either too
      // large or padded with zero groups to waste our time.
      if (v > MAX_HPACK_INTEGER || shift > 2 ** 35) throw compressionError('integer overflow (RFC 7541 §5.1)');
    } while (b & 0x80);
    return v;
  }

  /**
   * Reads a string literal's H bit and length (§5.2) and checks the bytes are
   * there; sets {@link huffman}; leaves {@link pos} at the first string octet.
   * @returns the encoded length.
   */
  stringHeader(): number {
    if (this.pos >= this.end) throw compressionError('truncated string literal (RFC 7541 §5.2)');
    this.huffman = (this.buf[this.pos] & 0x80) !== 0;
    const len = this.integer(7);
    if (len > this.end - this.pos) throw compressionError('string literal longer than the header block (RFC 7541 §5.2)');
    return len;
  }

  /** Reads a string literal (§5.2) and returns it as a latin1 string. */
  string(): string {
    const len = this.stringHeader();
    const start = this.pos;
    this.pos += len;
    if (!this.huffman) return latin1(this.buf, start, start + len);
    const out = this.ensureScratch(huffmanMaxDecodedLength(len));
    const n = huffmanDecode(this.buf, start, start + len, out, 0);
    return latin1(out, 0, n);
  }

  /**
   * Reads a string literal's header, and for a Huffman one decodes it into
   * {@link scratch} at `scratchPos` (validating it, so malformed input is
   * caught even in fields that are skipped), without building a JS string.
   * @returns the decoded length; the octets are at `buf[pos - encoded..pos)`
   *   (raw) or `scratch[scratchPos..scratchPos + result)` (Huffman).
   */
  stringBytes(scratchPos: number): number {
    const len = this.stringHeader();
    const start = this.pos;
    this.pos += len;
    if (!this.huffman) return len;
    const out = this.ensureScratch(scratchPos + huffmanMaxDecodedLength(len));
    return huffmanDecode(this.buf, start, start + len, out, scratchPos) - scratchPos;
  }

  /** Skips a string literal, validating Huffman coding; returns its decoded length. */
  skipString(): number {
    const len = this.stringHeader();
    const start = this.pos;
    this.pos += len;
    return this.huffman ? huffmanDecodedLength(this.buf, start, start + len) : len;
  }

  /** Returns {@link scratch}, grown (doubling, keeping its contents) to at least `need` octets. */
  ensureScratch(need: number): Buffer {
    if (this.scratch.length < need) {
      let n = this.scratch.length;
      while (n < need) n *= 2;
      const next = Buffer.allocUnsafe(n);
      this.scratch.copy(next);
      this.scratch = next;
    }
    return this.scratch;
  }
}

/**
 * A growable output buffer for header blocks, reused across blocks so that
 * encoding allocates only the returned copy.
 */
export class HpackWriter {
  /** Output; grows by doubling. */
  buf: Buffer = Buffer.allocUnsafe(1024);
  /** Next octet to write. */
  pos = 0;

  /** Makes sure `n` more octets fit. */
  ensure(n: number): void {
    if (this.pos + n > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < this.pos + n) size *= 2;
      const next = Buffer.allocUnsafe(size);
      this.buf.copy(next, 0, 0, this.pos);
      this.buf = next;
    }
  }

  /**
   * Writes `value` with an N-bit prefix (§5.1); `first` holds the
   * representation's pattern bits above the prefix. Needs up to 6 octets
   * (values up to 2^32) — the caller ensures room.
   */
  integer(first: number, prefixBits: number, value: number): void {
    const buf = this.buf;
    const max = (1 << prefixBits) - 1;
    if (value < max) {
      buf[this.pos++] = first | value;
      return;
    }
    buf[this.pos++] = first | max;
    value -= max;
    while (value >= 128) {
      buf[this.pos++] = (value % 128) | 0x80;
      value = Math.floor(value / 128);
    }
    buf[this.pos++] = value;
  }

  /**
   * Writes a string literal (§5.2), latin1, Huffman-coded when that is
   * strictly shorter (§5.2 leaves the choice to the encoder). Needs up to
   * `s.length + 6` octets — the caller ensures room.
   */
  string(s: string): void {
    const len = s.length;
    const hlen = huffmanEncodedLength(s);
    if (hlen < len) {
      this.integer(0x80, 7, hlen);
      this.pos = huffmanEncode(s, this.buf, this.pos);
    } else {
      this.integer(0, 7, len);
      this.raw(s);
    }
  }

  /** Writes `s` as latin1 octets (low byte of each code unit, as node:http2). */
  raw(s: string): void {
    const buf = this.buf;
    let p = this.pos;
    const len = s.length;
    if (len > 48) {
      // Past a few dozen octets the native copy wins over the JS loop.
      p += (buf as Latin1Buffer).latin1Write(s, p, len);
    } else {
      for (let i = 0; i < len; i++) buf[p++] = s.charCodeAt(i);
    }
    this.pos = p;
  }

  /** Copies out what was written since the last {@link take} and rewinds. */
  take(): Uint8Array {
    const out = new Uint8Array(this.pos);
    out.set(this.buf.subarray(0, this.pos));
    this.pos = 0;
    if (this.buf.length > RETAINED_BUFFER_MAX) this.buf = Buffer.allocUnsafe(1024);
    return out;
  }
}
