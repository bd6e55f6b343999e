/**
 * Byte range requests (RFC 9110 §14): parsing a `Range` header against a
 * representation's length.
 * @packageDocumentation
 */

/** What to send for a `Range` header. */
export type RangeResult =
  /** No usable Range (absent, another unit, invalid, or several ranges): the whole representation, 200. */
  | { readonly type: 'full' }
  /** One range, `start`–`end` inclusive: 206 with `content-range: bytes start-end/size`. */
  | { readonly type: 'partial'; readonly start: number; readonly end: number }
  /** No range overlaps the representation: 416 with `content-range: bytes *\/size` (§15.5.17). */
  | { readonly type: 'unsatisfiable' };

const FULL: RangeResult = Object.freeze({ type: 'full' });
const UNSATISFIABLE: RangeResult = Object.freeze({ type: 'unsatisfiable' });

/** `first-pos "-" [ last-pos ]` or `"-" suffix-length` (§14.1.1), around optional whitespace. */
const RANGE_SPEC = /^[ \t]*(\d*)[ \t]*-[ \t]*(\d*)[ \t]*$/;

/**
 * Reads a `Range` header (`bytes=a-b`, `bytes=a-`, `bytes=-n`, or a list of
 * them) for a representation of `size` octets.
 *
 * - Not `bytes` (the unit is case-insensitive), or syntactically invalid
 *   (including `last-pos < first-pos`): ignored, `full` (§14.2: a server
 *   MAY ignore Range, and MUST ignore units it does not understand).
 * - A `last-pos` past the end is clamped to `size - 1`; a suffix longer
 *   than the representation selects all of it (§14.1.2).
 * - No satisfiable range (every `first-pos` ≥ `size`, or `-0`): `unsatisfiable`.
 * - Exactly one satisfiable range: `partial`. Several: `full` — answering a
 *   multi-range request with the whole representation is allowed and avoids
 *   `multipart/byteranges`.
 * - An empty representation has no bytes to select; a suffix range on it
 *   gets the (empty) full response rather than a 416.
 */
export function parseRange(header: string | undefined, size: number): RangeResult {
  if (header === undefined) return FULL;
  const eq = header.indexOf('=');
  if (eq === -1 || header.slice(0, eq).trim().toLowerCase() !== 'bytes') return FULL;
  const satisfiable: Array<{ start: number; end: number }> = [];
  let suffixOnEmpty = false;
  let specs = 0;
  for (const element of header.slice(eq + 1).split(',')) {
    if (element.trim() === '') continue; // `#` lists allow empty elements (RFC 9110 §5.6.1)
    const m = RANGE_SPEC.exec(element);
    if (m === null) return FULL;
    const [, first, last] = m;
    specs++;
    if (first === '') {
      if (last === '') return FULL; // a lone "-"
      const length = Number(last);
      if (length === 0) continue; // "-0" selects nothing
      if (size === 0) suffixOnEmpty = true;
      else satisfiable.push({ start: Math.max(0, size - length), end: size - 1 });
      continue;
    }
    const start = Number(first);
    const end = last === '' ? Infinity : Number(last);
    if (end < start) return FULL; // invalid range-spec: the whole header is invalid
    if (start >= size) continue;
    satisfiable.push({ start, end: Math.min(end, size - 1) });
  }
  if (specs === 0) return FULL;
  if (satisfiable.length === 1) return { type: 'partial', ...satisfiable[0] };
  if (satisfiable.length > 1 || suffixOnEmpty) return FULL;
  return UNSATISFIABLE;
}
