/** RFC 7541 §5.1 integers and §5.2 string literals, with the Appendix C.1 vectors. */
import { ErrorCode } from '../../../src/protocol/error-code';
import { H2Error } from '../../../src/protocol/h2-error';
import { HpackReader, HpackWriter, MAX_HPACK_INTEGER } from '../../../src/protocol/hpack';
import { hex, toHex } from './helpers';

function writeInt(first: number, prefix: number, value: number): string {
  const w = new HpackWriter();
  w.integer(first, prefix, value);
  return toHex(w.take());
}

function readInt(bytes: Uint8Array, prefix: number): { value: number; pos: number } {
  const r = new HpackReader();
  r.reset(bytes);
  const value = r.integer(prefix);
  return { value, pos: r.pos };
}

function expectCompressionError(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(H2Error);
    expect((e as H2Error).code).toBe(ErrorCode.COMPRESSION_ERROR);
    expect((e as H2Error).scope).toBe('connection');
    return;
  }
  throw new Error('expected a COMPRESSION_ERROR');
}

describe('integers (§5.1, Appendix C.1)', () => {
  it('C.1.1: 10 with a 5-bit prefix', () => {
    expect(writeInt(0, 5, 10)).toBe('0a');
    expect(readInt(hex('0a'), 5)).toEqual({ value: 10, pos: 1 });
  });

  it('C.1.2: 1337 with a 5-bit prefix', () => {
    expect(writeInt(0, 5, 1337)).toBe('1f9a0a');
    expect(readInt(hex('1f9a0a'), 5)).toEqual({ value: 1337, pos: 3 });
  });

  it('C.1.3: 42 starting at an octet boundary (8-bit prefix)', () => {
    expect(writeInt(0, 8, 42)).toBe('2a');
    expect(readInt(hex('2a'), 8)).toEqual({ value: 42, pos: 1 });
  });

  it('keeps the pattern bits above the prefix and ignores them when reading', () => {
    expect(writeInt(0xe0, 5, 10)).toBe('ea');
    expect(readInt(hex('ea'), 5).value).toBe(10);
    expect(writeInt(0x80, 7, 127)).toBe('ff00');
    expect(readInt(hex('ff00'), 7)).toEqual({ value: 127, pos: 2 });
  });

  it('round-trips every prefix size at the boundaries, up to 2^32 - 1', () => {
    for (let prefix = 1; prefix <= 8; prefix++) {
      const max = (1 << prefix) - 1;
      for (const v of [0, max - 1, max, max + 1, max + 127, max + 128, 1 << 14, 2 ** 21 + 5, 2 ** 31, MAX_HPACK_INTEGER]) {
        if (v < 0) continue;
        const w = new HpackWriter();
        w.integer(0, prefix, v);
        expect(readInt(w.take(), prefix).value).toBe(v);
      }
    }
  });

  it('rejects integers above 2^32 - 1 (§5.1 implementation limit)', () => {
    const w = new HpackWriter();
    w.integer(0, 5, MAX_HPACK_INTEGER + 1);
    expectCompressionError(() => readInt(w.take(), 5));
    expectCompressionError(() => readInt(hex('1fffffffffffff7f'), 5));
  });

  it('rejects more than 5 continuation octets even when they add zero', () => {
    expect(readInt(hex('1f8080808000'), 5).value).toBe(31);
    expectCompressionError(() => readInt(hex('1f808080808000'), 5));
  });

  it('rejects truncated integers', () => {
    expectCompressionError(() => readInt(hex('1f'), 5));
    expectCompressionError(() => readInt(hex('1f9a'), 5));
    expectCompressionError(() => readInt(hex(''), 5));
  });
});

describe('string literals (§5.2)', () => {
  function writeStr(s: string): string {
    const w = new HpackWriter();
    w.ensure(s.length + 8);
    w.string(s);
    return toHex(w.take());
  }
  function readStr(bytes: Uint8Array): string {
    const r = new HpackReader();
    r.reset(bytes);
    const s = r.string();
    expect(r.pos).toBe(bytes.length);
    return s;
  }

  it('reads raw strings (C.2.1 custom-key); writes raw when Huffman is not shorter', () => {
    expect(readStr(hex('0a637573746f6d2d6b6579'))).toBe('custom-key');
    // Control characters have 13..30-bit codes: raw is shorter.
    expect(writeStr('\x00\x01')).toBe('020001');
  });

  it('writes Huffman when shorter (C.4.1 www.example.com, C.4.2 no-cache, C.4.3 custom-key)', () => {
    expect(writeStr('custom-key')).toBe('8825a849e95ba97d7f');
    expect(writeStr('www.example.com')).toBe('8cf1e3c2e5f23a6ba0ab90f4ff');
    expect(readStr(hex('8cf1e3c2e5f23a6ba0ab90f4ff'))).toBe('www.example.com');
    expect(writeStr('no-cache')).toBe('86a8eb10649cbf');
    expect(readStr(hex('86a8eb10649cbf'))).toBe('no-cache');
  });

  it('treats strings as latin1, like node:http2', () => {
    // U+20AC is sent as its low byte 0xAC, as Node's WriteOneByte does.
    expect(writeStr('\u20ac')).toBe('01ac');
    expect(readStr(hex('02e9ff'))).toBe('\u00e9\u00ff');
    // Huffman path too.
    const long = 'caf\u00e9-caf\u00e9-caf\u00e9-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
    expect(readStr(hex(writeStr(long)))).toBe(long);
  });

  it('writes long strings (native copy path)', () => {
    const s = 'x'.repeat(200) + '\u00e9'.repeat(100);
    expect(readStr(hex(writeStr(s)))).toBe(s);
  });

  it('rejects a length past the end of the block', () => {
    expectCompressionError(() => readStr(hex('0a6375')));
    expectCompressionError(() => readStr(hex('8cf1e3')));
    expectCompressionError(() => readStr(hex('')));
  });
});
