/**
 * The HPACK Huffman code (RFC 7541 §5.2, Appendix B): table-driven encode and
 * decode.
 *
 * The code of Appendix B is canonical (codes are assigned in order of length,
 * then symbol), so only the 257 code lengths are stored here and the codes are
 * derived at module load; `test/protocol/hpack/huffman.test.ts` checks the
 * result against the RFC vectors and an independent copy of the table.
 *
 * Decoding consumes one input byte per step through a 256-state × 256-byte
 * transition table (256 states = the internal nodes of the code tree), built at
 * module load from a 4-bit table. The work is one table load per input byte
 * whatever the input, so decoding is linear (CVE-2022-41723, SECURITY #15).
 * @packageDocumentation
 */

import { ErrorCode } from '../error-code';
import { H2Error } from '../h2-error';

/** Code length in bits of each symbol 0..255 and of EOS (256), RFC 7541 Appendix B. */
export const HUFFMAN_CODE_LENGTHS: Readonly<Uint8Array> = Uint8Array.of(
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28,
  28, 28, 28, 28, 6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6,
  12, 10, 13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6, 15,
  5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28, 20, 22, 20, 20,
  22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22,
  23, 22, 22, 23, 26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, 19, 21, 26, 27, 27, 26, 27, 24,
  21, 21, 26, 26, 28, 27, 27, 27, 20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, 26, 27, 26, 26,
  27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, 30,
);

/** The symbol number of EOS (§5.2): never valid inside a string. */
export const HUFFMAN_EOS = 256;

/** Code of each symbol (right-aligned, {@link HUFFMAN_CODE_LENGTHS} bits), derived canonically. */
export const HUFFMAN_CODES: Readonly<Uint32Array> = (() => {
  const order = Array.from({ length: 257 }, (_, s) => s).sort(
    (a, b) => HUFFMAN_CODE_LENGTHS[a] - HUFFMAN_CODE_LENGTHS[b] || a - b,
  );
  const codes = new Uint32Array(257);
  let code = 0;
  let len = HUFFMAN_CODE_LENGTHS[order[0]];
  for (let i = 0; i < order.length; i++) {
    const l = HUFFMAN_CODE_LENGTHS[order[i]];
    if (i > 0) code = (code + 1) * 2 ** (l - len);
    len = l;
    codes[order[i]] = code;
  }
  return codes;
})();

// ---------------------------------------------------------------------------
// Decoding tables
// ---------------------------------------------------------------------------

/** Bit 26 of a transition: the input contains EOS (§5.2: "MUST be treated as a decoding error"). */
const FAIL = 1 << 26;

/**
 * `DECODE[(state << 8) | byte]` = next state (bits 0–7) | first symbol
 * (bits 8–15) | second symbol (bits 16–23) | symbol count 0–2 (bits 24–25) |
 * {@link FAIL}. A byte completes at most two symbols: the shortest code is 5
 * bits, so one symbol per nibble at most.
 */
const DECODE = new Uint32Array(256 * 256);

/**
 * `ACCEPT[state]` = 1 when a string may end in `state`: the bits read since the
 * last symbol are all ones and fewer than 8 (§5.2: padding longer than 7 bits
 * or not matching the EOS prefix is a decoding error).
 */
const ACCEPT = new Uint8Array(256);

(() => {
  // Code tree: internal nodes 0..255 (root 0); child value < 256 is a node,
  // >= 256 is the leaf for symbol (value - 256).
  const child = new Int32Array(512).fill(-1);
  let nodes = 1;
  for (let sym = 0; sym <= 256; sym++) {
    const len = HUFFMAN_CODE_LENGTHS[sym];
    const code = HUFFMAN_CODES[sym];
    let n = 0;
    for (let i = len - 1; i > 0; i--) {
      const slot = n * 2 + (Math.floor(code / 2 ** i) & 1);
      if (child[slot] < 0) child[slot] = nodes++;
      n = child[slot];
    }
    child[n * 2 + (code & 1)] = 256 + sym;
  }
  if (nodes !== 256) throw new Error(`HPACK Huffman tree has ${nodes} internal nodes, expected 256`);

  // Accepting states: the all-ones path from the root, depth 0..7.
  for (let n = 0, d = 0; d <= 7; d++) {
    ACCEPT[n] = 1;
    n = child[n * 2 + 1];
  }

  // 4-bit transitions: next state | symbol << 8 | emitted << 16 | fail << 17.
  const nib = new Uint32Array(256 * 16);
  for (let s = 0; s < 256; s++) {
    for (let x = 0; x < 16; x++) {
      let n = s;
      let emitted = 0;
      let sym = 0;
      let fail = 0;
      for (let i = 3; i >= 0; i--) {
        const c = child[n * 2 + ((x >> i) & 1)];
        if (c >= 256) {
          if (c - 256 === HUFFMAN_EOS) fail = 1;
          sym = c - 256;
          emitted = 1;
          n = 0;
        } else {
          n = c;
        }
      }
      nib[s * 16 + x] = n | ((sym & 0xff) << 8) | (emitted << 16) | (fail << 17);
    }
  }
  // 8-bit transitions = high nibble then low nibble.
  for (let s = 0; s < 256; s++) {
    for (let b = 0; b < 256; b++) {
      const t1 = nib[s * 16 + (b >> 4)];
      const t2 = nib[(t1 & 0xff) * 16 + (b & 15)];
      let count = 0;
      let syms = 0;
      if (t1 & 0x10000) syms |= ((t1 >> 8) & 0xff) << (8 * count++);
      if (t2 & 0x10000) syms |= ((t2 >> 8) & 0xff) << (8 * count++);
      const fail = (t1 | t2) & 0x20000 ? FAIL : 0;
      DECODE[(s << 8) | b] = (t2 & 0xff) | (syms << 8) | (count << 24) | fail;
    }
  }
})();

function huffmanError(message: string): H2Error {
  return H2Error.connection(ErrorCode.COMPRESSION_ERROR, `HPACK: ${message} (RFC 7541 §5.2)`);
}

/**
 * Decodes the Huffman-coded bytes `src[start..end)` into `out` from `outPos`
 * and returns the new end of the output. `out` must have room for
 * `huffmanMaxDecodedLength(end - start)` bytes.
 * @throws H2Error COMPRESSION_ERROR (connection) on EOS in the string, or on
 *   padding longer than 7 bits or not all ones (§5.2).
 */
export function huffmanDecode(src: Uint8Array, start: number, end: number, out: Uint8Array, outPos: number): number {
  let state = 0;
  let o = outPos;
  for (let i = start; i < end; i++) {
    const t = DECODE[(state << 8) | src[i]];
    const n = t >>> 24;
    if (n !== 0) {
      if (n > 2) throw huffmanError('EOS symbol inside a Huffman-coded string');
      out[o++] = t >>> 8;
      if (n === 2) out[o++] = t >>> 16;
    }
    state = t & 0xff;
  }
  if (ACCEPT[state] === 0) throw huffmanError('invalid Huffman padding');
  return o;
}

/**
 * Validates the Huffman-coded bytes `src[start..end)` like
 * {@link huffmanDecode} and returns the decoded length, without producing the
 * output. Used for fields the decoder skips after a limit fired.
 */
export function huffmanDecodedLength(src: Uint8Array, start: number, end: number): number {
  let state = 0;
  let len = 0;
  for (let i = start; i < end; i++) {
    const t = DECODE[(state << 8) | src[i]];
    const n = t >>> 24;
    if (n > 2) throw huffmanError('EOS symbol inside a Huffman-coded string');
    len += n;
    state = t & 0xff;
  }
  if (ACCEPT[state] === 0) throw huffmanError('invalid Huffman padding');
  return len;
}

/** Upper bound of the decoded length of `encodedLength` Huffman bytes (5-bit shortest code). */
export function huffmanMaxDecodedLength(encodedLength: number): number {
  return Math.ceil((encodedLength * 8) / 5);
}

/**
 * Length in bytes of the Huffman coding of `s`, read as latin1 (each UTF-16
 * code unit truncated to its low byte, as node:http2 does).
 */
export function huffmanEncodedLength(s: string): number {
  let bits = 0;
  for (let i = 0; i < s.length; i++) bits += HUFFMAN_CODE_LENGTHS[s.charCodeAt(i) & 0xff];
  return (bits + 7) >>> 3;
}

/**
 * Writes the Huffman coding of `s` (latin1) into `out` at `pos`, padded with
 * the most significant bits of EOS (all ones, §5.2), and returns the new end.
 * `out` must have room for {@link huffmanEncodedLength}(s) bytes.
 *
 * The accumulator is a 32-bit int holding fewer than 8 pending bits plus one
 * code of at most 24 bits; the rare longer codes (25–30 bits) are fed in two
 * parts. Stores into the Uint8Array keep the low 8 bits.
 */
export function huffmanEncode(s: string, out: Uint8Array, pos: number): number {
  let acc = 0;
  let n = 0;
  let p = pos;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) & 0xff;
    const len = HUFFMAN_CODE_LENGTHS[c];
    const code = HUFFMAN_CODES[c];
    if (len > 24) {
      acc = (acc << (len - 16)) | (code >>> 16);
      n += len - 16;
      while (n >= 8) out[p++] = acc >>> (n -= 8);
      acc = (acc << 16) | (code & 0xffff);
      n += 16;
    } else {
      acc = (acc << len) | code;
      n += len;
    }
    while (n >= 8) out[p++] = acc >>> (n -= 8);
  }
  if (n > 0) out[p++] = (acc << (8 - n)) | (0xff >>> n);
  return p;
}
