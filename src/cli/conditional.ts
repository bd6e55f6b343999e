/**
 * Conditional requests (RFC 9110 §13) for `rx-http2 serve`: the HTTP-date
 * parser and the preconditions, evaluated against a file's validators.
 * @packageDocumentation
 */

/**
 * The entity tags of a list-valued conditional field (`If-Match`,
 * `If-None-Match`), its field lines combined (RFC 9110 §5.3): `'*'`, or the
 * tags as sent (`"x"`, `W/"x"`). Tags are matched whole, so a comma inside
 * quotes does not split one; anything that is not a tag is skipped.
 */
function entityTags(value: string | string[] | undefined): '*' | string[] | undefined {
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? value.join(',') : value;
  if (text.trim() === '*') return '*';
  return text.match(/(?:W\/)?"[^"]*"/g) ?? [];
}

/**
 * The date of `If-Modified-Since` / `If-Unmodified-Since`, or `undefined`
 * when the field must be ignored: absent, not a valid HTTP-date, or more than
 * one member (RFC 9110 §13.1.3, §13.1.4).
 */
function dateField(value: string | string[] | undefined): number | undefined {
  if (Array.isArray(value)) return value.length === 1 ? parseHttpDate(value[0]) : undefined;
  return value === undefined ? undefined : parseHttpDate(value);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
/** `Sun, 06 Nov 1994 08:49:37 GMT` (the preferred form). */
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
/** `Sunday, 06-Nov-94 08:49:37 GMT` (obsolete RFC 850 form). */
const RFC850_DATE = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
/** `Sun Nov  6 08:49:37 1994` (obsolete asctime() form). */
const ASCTIME_DATE = new RegExp(`^${DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`);

/**
 * Parses an HTTP-date (RFC 9110 §5.6.7): IMF-fixdate or one of the two
 * obsolete forms, which recipients must accept; milliseconds since the epoch,
 * or `undefined` for anything else. Why not `Date.parse`: it takes `2099`,
 * `3000-01-01` or `December 17, 2099` (local time), and such a date in
 * `If-Modified-Since` would answer 304 for ever.
 */
export function parseHttpDate(text: string, now: number = Date.now()): number | undefined {
  const t = text.trim();
  let m: RegExpExecArray | null;
  let day: string, month: string, year: number, hour: string, minute: string, second: string;
  if ((m = IMF_FIXDATE.exec(t)) !== null) {
    [, day, month, , hour, minute, second] = m;
    year = Number(m[3]);
  } else if ((m = RFC850_DATE.exec(t)) !== null) {
    [, day, month, , hour, minute, second] = m;
    // A two-digit year more than 50 years ahead is the most recent past year with those digits (§5.6.7).
    const thisYear = new Date(now).getUTCFullYear();
    year = Math.floor(thisYear / 100) * 100 + Number(m[3]);
    if (year > thisYear + 50) year -= 100;
  } else if ((m = ASCTIME_DATE.exec(t)) !== null) {
    [, month, day, hour, minute, second] = m;
    year = Number(m[6]);
  } else {
    return undefined;
  }
  const [d, h, min, sec] = [Number(day), Number(hour), Number(minute), Number(second)];
  const mon = MONTHS.indexOf(month);
  // Leap seconds (60) are read as 59, as Date cannot hold them.
  const ms = Date.UTC(year, mon, d, h, min, Math.min(sec, 59));
  const back = new Date(ms);
  // Out-of-range fields (31 Feb, 25:00) would roll over, years 0–99 be read as 19xx: refuse them instead.
  if (back.getUTCFullYear() !== year || back.getUTCDate() !== d || back.getUTCMonth() !== mon || h > 23 || min > 59 || sec > 60) return undefined;
  return ms;
}

/** Whether a date in whole seconds lies before the file's modification time (HTTP dates have one-second resolution). */
function modifiedSince(mtime: Date, since: number): boolean {
  return Math.floor(mtime.getTime() / 1000) > Math.floor(since / 1000);
}

/**
 * RFC 9110 §13.2.2 steps 1–2, for an existing file: `If-Match` (strong
 * comparison, §8.8.3.2; `*` matches) decides when present; otherwise
 * `If-Unmodified-Since` (ignored unless a valid HTTP-date). `true`: a
 * precondition failed, answer 412 — before `If-None-Match` /
 * `If-Modified-Since` ({@link notModified}) are looked at.
 */
export function preconditionFailed(headers: Record<string, string | string[]>, etag: string, mtime: Date): boolean {
  const im = entityTags(headers['if-match']);
  if (im !== undefined) {
    if (im === '*') return false;
    return etag.startsWith('W/') || !im.some((tag) => tag === etag);
  }
  const ius = dateField(headers['if-unmodified-since']);
  return ius !== undefined && modifiedSince(mtime, ius);
}

/**
 * RFC 9110 §13.2.2 steps 3–4, for GET/HEAD (after {@link preconditionFailed}):
 * `If-None-Match` (weak comparison, `*` matches) decides when present;
 * otherwise `If-Modified-Since` (ignored unless a valid HTTP-date), at
 * one-second resolution.
 */
export function notModified(headers: Record<string, string | string[]>, etag: string, mtime: Date): boolean {
  const inm = entityTags(headers['if-none-match']);
  if (inm !== undefined) {
    if (inm === '*') return true;
    const opaque = etag.replace(/^W\//, '');
    return inm.some((tag) => tag.replace(/^W\//, '') === opaque);
  }
  const ims = dateField(headers['if-modified-since']);
  return ims !== undefined && !modifiedSince(mtime, ims);
}

/**
 * RFC 9110 §13.1.5: whether the `If-Range` condition holds, so that the
 * request's Range is served (206); `false`: Range is ignored and the whole
 * representation sent (200). Only asked when there is a Range (§13.1.5: a
 * server MUST ignore If-Range without one). `undefined` (no If-Range) holds.
 *
 * - An entity-tag (told from a date by a DQUOTE in its first three
 *   characters) holds only if it matches `etag` by the strong comparison
 *   (§8.8.3.2): a weak tag never does.
 * - An HTTP-date, in any of the three forms a recipient must accept
 *   (§5.6.7), holds only if it is exactly the Last-Modified, to the second —
 *   not "no later than", as for If-Unmodified-Since — and is a strong
 *   validator (§8.8.2.2): we only know the file did not change twice within
 *   the second that Last-Modified names once that second is over, i.e. when
 *   Last-Modified is at least one second older than the response's Date.
 *   A file modified in this very second could be modified again and keep
 *   the same Last-Modified, and a client would splice bytes of two versions.
 * - Anything else (not a date, several field lines of this singleton field):
 *   the range is unusable (§13.1.5 step 3), the condition is false.
 *
 * @param lastModified - the Last-Modified sent (ms; only whole seconds count)
 * @param now - the response's Date (ms)
 */
export function ifRangeHolds(value: string | string[] | undefined, etag: string, lastModified: number, now: number): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value) && value.length !== 1) return false;
  const text = (Array.isArray(value) ? value[0] : value).trim();
  if (text.slice(0, 3).includes('"')) return text === etag && !etag.startsWith('W/');
  const date = parseHttpDate(text, now);
  if (date === undefined) return false;
  const second = Math.floor(lastModified / 1000);
  const strong = Math.floor(now / 1000) - second >= 1;
  return strong && Math.floor(date / 1000) === second;
}
