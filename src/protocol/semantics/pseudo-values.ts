/**
 * The values a request's pseudo-header fields may take (RFC 9113 §8.3.1):
 * a request whose `:method`, `:scheme`, `:authority` or `:path` is no valid
 * value is malformed (§8.1.1), as node:http2 (nghttp2) also answers. A value
 * that is passed on as is would reach an HTTP/1 hop or a log as a request
 * line the server never meant to accept (`G T`, `/a b`).
 * @packageDocumentation
 */

/** One flag per octet: 1 where the class allows it. */
function octetClass(chars: string, ranges: Array<[number, number]> = []): Uint8Array {
  const table = new Uint8Array(256);
  for (const c of chars) table[c.charCodeAt(0)] = 1;
  for (const [from, to] of ranges) table.fill(1, from, to + 1);
  return table;
}

const ALPHA_DIGIT = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** RFC 9110 §5.6.2 tchar: a method is a token (§9.1), case-sensitive. */
const TCHAR = octetClass(`!#$%&'*+-.^_\`|~${ALPHA_DIGIT}`);
/** RFC 3986 §3.1 after the first letter: ALPHA / DIGIT / "+" / "-" / ".". */
const SCHEME_REST = octetClass(`+-.${ALPHA_DIGIT}`);
/** RFC 3986 §3.2 authority: userinfo, host (IP literal brackets, percent-encoded reg-name) and port. */
const AUTHORITY = octetClass(`-._~!$&'()*+,;=:@[]%${ALPHA_DIGIT}`);
/**
 * A path and query (RFC 3986 §3.3, §3.4) as received: any visible octet,
 * including octets above 0x7F (a raw UTF-8 path, which servers meet in the
 * wild), but no space, control or DEL, which no URI may contain.
 */
const PATH = octetClass('', [[0x21, 0x7e], [0x80, 0xff]]);

/** Whether every character of `value` is in `table`, and there is at least one. */
function allIn(table: Uint8Array, value: string, from = 0): boolean {
  if (value.length <= from) return false;
  for (let i = from; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 0xff || table[c] === 0) return false;
  }
  return true;
}

/** A `:method`: a token (RFC 9110 §9.1). */
export function isValidMethod(value: string): boolean {
  return allIn(TCHAR, value);
}

/** A `:scheme`: a URI scheme (RFC 3986 §3.1), a letter then letters, digits, `+`, `-`, `.`. */
export function isValidScheme(value: string): boolean {
  const c = value.charCodeAt(0) | 0x20;
  return c >= 0x61 && c <= 0x7a && (value.length === 1 || allIn(SCHEME_REST, value, 1));
}

/** An `:authority`: non-empty (RFC 9110 §4.2.1: an http(s) host is never empty), authority characters only. */
export function isValidAuthority(value: string): boolean {
  return allIn(AUTHORITY, value);
}

/** A `:path`: non-empty, no space, control or DEL. */
export function isValidPath(value: string): boolean {
  return allIn(PATH, value);
}
