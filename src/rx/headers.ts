/**
 * Header lists as the reactive API's users write and read them: plain objects
 * like `node:http2`'s (`{ ':status': 200, 'content-type': 'text/plain' }`), or
 * lists of `[name, value]` pairs when order and duplicates matter.
 * @packageDocumentation
 */

/** A header value as a user may give it: numbers are sent in decimal, arrays as repeated fields. */
export type OutgoingHeaderValue = string | number | ReadonlyArray<string | number>;

/** Headers to send: an object (pseudo-headers sent first) or an ordered list of pairs. */
export type OutgoingHeaders = Readonly<Record<string, OutgoingHeaderValue | undefined>> | ReadonlyArray<readonly [string, string]>;

/**
 * Headers received: one property per field name. Repeated fields are joined
 * with `, ` (RFC 9110 §5.3), `cookie` crumbs with `; ` (RFC 9113 §8.2.3), and
 * `set-cookie` is always an array (its values cannot be joined).
 */
export type IncomingHeaders = Record<string, string | string[]>;

/**
 * Fields of `headers` in wire order: pseudo-headers first (RFC 9113 §8.3),
 * names lowercased (§8.2.1), `undefined` values skipped. Validity is checked
 * by the core, not here.
 */
export function toFields(headers: OutgoingHeaders): Array<[string, string]> {
  if (Array.isArray(headers)) return (headers as ReadonlyArray<readonly [string, string]>).map(([n, v]) => [n.toLowerCase(), String(v)]);
  const pseudo: Array<[string, string]> = [];
  const regular: Array<[string, string]> = [];
  const record = headers as Readonly<Record<string, OutgoingHeaderValue | undefined>>;
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (value === undefined) continue;
    const name = key.toLowerCase();
    const into = name.charCodeAt(0) === 0x3a ? pseudo : regular;
    if (Array.isArray(value)) for (const v of value as ReadonlyArray<string | number>) into.push([name, String(v)]);
    else into.push([name, String(value)]);
  }
  return pseudo.length === 0 ? regular : pseudo.concat(regular);
}

/** The object form of received `fields` (see {@link IncomingHeaders}). */
export function toHeaders(fields: ReadonlyArray<readonly [string, string]>): IncomingHeaders {
  const headers: IncomingHeaders = Object.create(null);
  for (const [name, value] of fields) {
    const prior = headers[name];
    if (name === 'set-cookie') {
      if (prior === undefined) headers[name] = [value];
      else (prior as string[]).push(value);
    } else if (prior === undefined) {
      headers[name] = value;
    } else {
      headers[name] = `${prior as string}${name === 'cookie' ? '; ' : ', '}${value}`;
    }
  }
  return headers;
}
