/**
 * The HPACK static table (RFC 7541 Appendix A) and the lookups built from it
 * once at module load.
 * @packageDocumentation
 */

/**
 * The 61 static entries, as `[name, value]`; `STATIC_TABLE[i - 1]` is index `i`
 * (RFC 7541 §2.3.1: the static table starts at index 1).
 */
export const STATIC_TABLE: ReadonlyArray<readonly [string, string]> = [
  [':authority', ''],
  [':method', 'GET'],
  [':method', 'POST'],
  [':path', '/'],
  [':path', '/index.html'],
  [':scheme', 'http'],
  [':scheme', 'https'],
  [':status', '200'],
  [':status', '204'],
  [':status', '206'],
  [':status', '304'],
  [':status', '400'],
  [':status', '404'],
  [':status', '500'],
  ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'],
  ['accept-language', ''],
  ['accept-ranges', ''],
  ['accept', ''],
  ['access-control-allow-origin', ''],
  ['age', ''],
  ['allow', ''],
  ['authorization', ''],
  ['cache-control', ''],
  ['content-disposition', ''],
  ['content-encoding', ''],
  ['content-language', ''],
  ['content-length', ''],
  ['content-location', ''],
  ['content-range', ''],
  ['content-type', ''],
  ['cookie', ''],
  ['date', ''],
  ['etag', ''],
  ['expect', ''],
  ['expires', ''],
  ['from', ''],
  ['host', ''],
  ['if-match', ''],
  ['if-modified-since', ''],
  ['if-none-match', ''],
  ['if-range', ''],
  ['if-unmodified-since', ''],
  ['last-modified', ''],
  ['link', ''],
  ['location', ''],
  ['max-forwards', ''],
  ['proxy-authenticate', ''],
  ['proxy-authorization', ''],
  ['range', ''],
  ['referer', ''],
  ['refresh', ''],
  ['retry-after', ''],
  ['server', ''],
  ['set-cookie', ''],
  ['strict-transport-security', ''],
  ['transfer-encoding', ''],
  ['user-agent', ''],
  ['vary', ''],
  ['via', ''],
  ['www-authenticate', ''],
];

/** Number of static entries; dynamic indices start at `STATIC_TABLE_LENGTH + 1` = 62 (§2.3.3). */
export const STATIC_TABLE_LENGTH = 61;

/** Names by index (slot 0 unused) so the decoder does one array load per lookup. */
export const STATIC_NAMES: readonly string[] = ['', ...STATIC_TABLE.map((e) => e[0])];
/** Values by index (slot 0 unused). */
export const STATIC_VALUES: readonly string[] = ['', ...STATIC_TABLE.map((e) => e[1])];

/** What the encoder knows about a name that appears in the static table. */
export interface StaticName {
  /** Lowest static index carrying this name (used for name references). */
  readonly index: number;
  /**
   * Exact name+value matches, for the few names the static table lists with
   * values (`:method`, `:path`, `:scheme`, `:status`, `accept-encoding`);
   * `undefined` for the others, so most lookups cost one Map probe.
   */
  readonly values: ReadonlyMap<string, number> | undefined;
}

/** name → {@link StaticName}; built once. */
export const STATIC_NAME_MAP: ReadonlyMap<string, StaticName> = (() => {
  const m = new Map<string, { index: number; values: Map<string, number> | undefined }>();
  STATIC_TABLE.forEach(([name, value], i) => {
    let e = m.get(name);
    if (e === undefined) {
      e = { index: i + 1, values: undefined };
      m.set(name, e);
    }
    if (value !== '') {
      if (e.values === undefined) e.values = new Map();
      e.values.set(value, i + 1);
    }
  });
  return m;
})();
