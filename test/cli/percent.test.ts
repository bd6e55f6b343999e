import fc from 'fast-check';
import { percentDecode, percentEncode } from '../../src/cli/percent';

describe('percentDecode / percentEncode (RFC 3986 §2.1, octet by octet)', () => {
  it('any octets round-trip', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (octets) => {
        expect(percentDecode(percentEncode(octets))).toEqual(Buffer.from(octets));
      }),
    );
  });

  it('UTF-8 names are encoded exactly as encodeURIComponent encodes them', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 32 }), (name) => {
        expect(percentEncode(Buffer.from(name, 'utf8'))).toBe(encodeURIComponent(name));
      }),
    );
    expect(percentEncode(Buffer.from("a b<>&#%?/!'()*~._-"))).toBe("a%20b%3C%3E%26%23%25%3F%2F!'()*~._-");
  });

  it('octets that are not UTF-8 are escaped in upper case', () => {
    expect(percentEncode(Buffer.from([0x66, 0xff, 0x2e, 0x00, 0x80]))).toBe('f%FF.%00%80');
  });

  it('decodes escapes in either case; an unescaped character is its own octet', () => {
    expect(percentDecode('f%ff%2E%2e')).toEqual(Buffer.from([0x66, 0xff, 0x2e, 0x2e]));
    expect(percentDecode('\xc3\xa9')).toEqual(Buffer.from('é'));
  });

  it.each(['%', '%f', '%zz', '%+1', 'a%g0', '\u0100', '\u2713'])('%j: undefined', (text) => {
    expect(percentDecode(text)).toBeUndefined();
  });
});
