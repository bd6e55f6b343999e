/** RFC 7541 §5.2 / Appendix B Huffman code: vectors, round trips, malformed input. */
import fc from 'fast-check';
import { ErrorCode } from '../../../src/protocol/error-code';
import { H2Error } from '../../../src/protocol/h2-error';
import {
  HUFFMAN_CODE_LENGTHS,
  HUFFMAN_CODES,
  huffmanDecode,
  huffmanDecodedLength,
  huffmanEncode,
  huffmanEncodedLength,
  huffmanMaxDecodedLength,
} from '../../../src/protocol/hpack';
import { compressionError, hex, toHex } from './helpers';

function encode(s: string): string {
  const out = new Uint8Array(huffmanEncodedLength(s));
  expect(huffmanEncode(s, out, 0)).toBe(out.length);
  return toHex(out);
}

function decode(bytes: Uint8Array): string {
  const out = new Uint8Array(huffmanMaxDecodedLength(bytes.length) + 1);
  const n = huffmanDecode(bytes, 0, bytes.length, out, 0);
  expect(huffmanDecodedLength(bytes, 0, bytes.length)).toBe(n);
  return Buffer.from(out.subarray(0, n)).toString('latin1');
}

function expectHuffmanError(bytes: Uint8Array): void {
  for (const fn of [() => decode(bytes), () => huffmanDecodedLength(bytes, 0, bytes.length)]) compressionError(fn);
}

/** The strings Huffman-coded in RFC 7541 Appendix C.4 and C.6. */
const RFC_VECTORS: Array<[string, string]> = [
  ['www.example.com', 'f1e3c2e5f23a6ba0ab90f4ff'],
  ['no-cache', 'a8eb10649cbf'],
  ['custom-key', '25a849e95ba97d7f'],
  ['custom-value', '25a849e95bb8e8b4bf'],
  ['302', '6402'],
  ['307', '640eff'],
  ['private', 'aec3771a4b'],
  ['Mon, 21 Oct 2013 20:13:21 GMT', 'd07abe941054d444a8200595040b8166e082a62d1bff'],
  ['Mon, 21 Oct 2013 20:13:22 GMT', 'd07abe941054d444a8200595040b8166e084a62d1bff'],
  ['https://www.example.com', '9d29ad171863c78f0b97c8e9ae82ae43d3'],
  ['gzip', '9bd9ab'],
  [
    'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1',
    '94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007',
  ],
];

describe('Huffman code table (Appendix B)', () => {
  it('matches the copy in hpack.js (independent transcription of Appendix B)', () => {
    const theirs = require('hpack.js/lib/hpack/huffman').encode as Array<[number, number]>;
    expect(theirs).toHaveLength(257);
    for (let s = 0; s < 257; s++) {
      expect([s, HUFFMAN_CODE_LENGTHS[s], HUFFMAN_CODES[s]]).toEqual([s, theirs[s][0], theirs[s][1]]);
    }
  });

  it('has EOS = 30 ones', () => {
    expect(HUFFMAN_CODE_LENGTHS[256]).toBe(30);
    expect(HUFFMAN_CODES[256]).toBe(0x3fffffff);
  });
});

describe('Huffman vectors (Appendix C.4, C.6)', () => {
  it.each(RFC_VECTORS)('%s', (s, h) => {
    expect(encode(s)).toBe(h);
    expect(decode(hex(h))).toBe(s);
  });

  it('decodes every symbol alone and the empty string', () => {
    for (let c = 0; c < 256; c++) {
      const s = String.fromCharCode(c);
      expect(decode(hex(encode(s)))).toBe(s);
    }
    expect(encode('')).toBe('');
    expect(decode(new Uint8Array(0))).toBe('');
  });

  it('decodes at an offset into an output offset', () => {
    const src = hex('00 f1e3c2e5f23a6ba0ab90f4ff 00');
    const out = new Uint8Array(40);
    const n = huffmanDecode(src, 1, src.length - 1, out, 3);
    expect(Buffer.from(out.subarray(3, n)).toString('latin1')).toBe('www.example.com');
  });
});

describe('Huffman round trip (fast-check)', () => {
  const latin1 = fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1'));

  it('decode(encode(s)) = s for any latin1 string', () => {
    fc.assert(
      fc.property(latin1, (s) => {
        const bytes = hex(encode(s));
        expect(bytes.length).toBe(huffmanEncodedLength(s));
        expect(bytes.length).toBeLessThanOrEqual(Math.ceil((s.length * 30) / 8));
        expect(decode(bytes)).toBe(s);
      }),
      { numRuns: 500 },
    );
  });

  it('decode(encode(s)) = s for ASCII-heavy strings (short codes, two symbols per octet)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123aceiost/-.:='.split('')), maxLength: 200 }), (s) => {
        expect(decode(hex(encode(s)))).toBe(s);
      }),
      { numRuns: 300 },
    );
  });

  it('any input either decodes or throws COMPRESSION_ERROR, and re-encodes to itself', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        let s: string;
        try {
          s = decode(b);
        } catch (e) {
          expect((e as H2Error).code).toBe(ErrorCode.COMPRESSION_ERROR);
          return;
        }
        // Valid padding is the EOS prefix, which the encoder also writes.
        expect(encode(s)).toBe(toHex(b));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('malformed Huffman strings (§5.2)', () => {
  it('rejects EOS inside the string', () => {
    expectHuffmanError(hex('ffffffff')); // EOS (30 ones) + 2 padding bits
    // 'a' (00011) then EOS then 5 padding ones: 40 bits.
    expectHuffmanError(hex('1fffffffff'));
  });

  it('rejects padding longer than 7 bits', () => {
    expectHuffmanError(hex('ff')); // 8 ones, no symbol
    expectHuffmanError(hex('1fff')); // 'a' + 11 ones
    expect(decode(hex('1f'))).toBe('a'); // 'a' + 3 ones is fine
  });

  it('rejects padding that is not all ones (not the EOS prefix)', () => {
    expectHuffmanError(hex('18')); // 'a' + 000
    expectHuffmanError(hex('1e')); // 'a' + 110
    expectHuffmanError(hex('f1e3c2e5f23a6ba0ab90f4fe')); // www.example.com with a 0 in the padding
  });
});
