/**
 * Field name and value character rules of RFC 9113 §8.2.1. A request or
 * response that breaks them is malformed (§8.1.1): stream PROTOCOL_ERROR.
 */

// §8.2.1: a name MUST NOT contain 0x00-0x20, 0x41-0x5a (uppercase) or 0x7f-0xff;
// RFC 9110 §5.1 further restricts names to token characters, which we also enforce
// (a name with "(" or "," can only be an attack on an HTTP/1 hop).
const NAME_OK = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz") NAME_OK[c.charCodeAt(0)] = 1;

/**
 * Whether `name` is a valid regular field name: non-empty lowercase token
 * characters. Pseudo-header names (leading ':') are checked separately.
 */
export function isValidFieldName(name: string): boolean {
  const n = name.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = name.charCodeAt(i);
    if (c > 255 || NAME_OK[c] === 0) return false;
  }
  return true;
}

/**
 * Whether `value` is a valid field value (§8.2.1): no NUL, CR or LF anywhere,
 * and no leading or trailing space or horizontal tab.
 */
export function isValidFieldValue(value: string): boolean {
  const n = value.length;
  if (n === 0) return true;
  let c = value.charCodeAt(0);
  if (c === 0x20 || c === 0x09) return false;
  c = value.charCodeAt(n - 1);
  if (c === 0x20 || c === 0x09) return false;
  for (let i = 0; i < n; i++) {
    c = value.charCodeAt(i);
    if (c === 0x00 || c === 0x0a || c === 0x0d) return false;
  }
  return true;
}
