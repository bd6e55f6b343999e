/**
 * Percent-encoding (RFC 3986 §2.1) octet by octet. A URL's path carries
 * octets, and so do file names on POSIX systems: they need not be UTF-8, so
 * `decodeURIComponent` (which throws on `%FF`) and `encodeURIComponent` (which
 * takes text) cannot map one to the other.
 * @packageDocumentation
 */

/**
 * The octets `text` stands for, its `%XX` escapes decoded; `undefined` for a
 * `%` not followed by two hex digits, or for a character above U+00FF. The
 * text is itself a string of octets, one character each — as HPACK gives a
 * `:path` (see `protocol/hpack/primitives.ts`) — so an octet sent unescaped
 * counts as that octet: `/é` sent as UTF-8 is the two octets of `é`.
 */
export function percentDecode(text: string): Buffer | undefined {
  const out = Buffer.allocUnsafe(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) return undefined;
    if (c !== 0x25 /* % */) {
      out[n++] = c;
      continue;
    }
    const hex = text.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
    out[n++] = parseInt(hex, 16);
    i += 2;
  }
  return out.subarray(0, n);
}

/**
 * Octets kept as they are: what `encodeURIComponent` keeps (RFC 3986's
 * unreserved characters and `!'()*`), so that a UTF-8 name is encoded exactly
 * as `encodeURIComponent` would encode it.
 */
const KEPT = /[A-Za-z0-9\-_.!~*'()]/;

/**
 * `octets` as a URL path segment: every octet but those `encodeURIComponent`
 * keeps written as `%XX` (upper case, RFC 3986 §2.1). Whatever the octets,
 * {@link percentDecode} gives them back, so a link to a file whose name is
 * not UTF-8 leads to that file.
 */
export function percentEncode(octets: Uint8Array): string {
  let out = '';
  for (const o of octets) {
    const c = String.fromCharCode(o);
    out += o < 0x80 && KEPT.test(c) ? c : `%${o.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
