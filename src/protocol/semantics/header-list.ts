import { isValidFieldName, isValidFieldValue } from './field-validity';
import { isValidAuthority, isValidMethod, isValidPath, isValidScheme } from './pseudo-values';

/** What a received field block is, which decides the pseudo-headers it may carry (RFC 9113 §8.3). */
export const BlockKind = {
  /** A request's header section, received by a server (or promised in PUSH_PROMISE). */
  Request: 0,
  /** A response's header section (final or informational), received by a client. */
  Response: 1,
  /** A trailer section: no pseudo-headers at all (§8.1). */
  Trailers: 2,
} as const;

/** One of {@link BlockKind}'s values. */
export type BlockKind = (typeof BlockKind)[keyof typeof BlockKind];

/** The checked pseudo-headers and framing facts of a received field block. */
export interface HeaderListInfo {
  method: string | undefined;
  scheme: string | undefined;
  authority: string | undefined;
  path: string | undefined;
  protocol: string | undefined;
  status: number | undefined;
  /** The parsed `content-length`, or -1 when absent. */
  contentLength: number;
  /** True for CONNECT requests (classic or extended, RFC 8441). */
  isConnect: boolean;
}

/** Options for {@link checkHeaderList}. */
export interface HeaderListCheckOptions {
  /** Whether we advertised SETTINGS_ENABLE_CONNECT_PROTOCOL=1 (RFC 8441 §3), which alone permits `:protocol`. */
  connectProtocolEnabled: boolean;
}

/**
 * Connection-specific fields (§8.2.2): an endpoint MUST treat a message
 * containing them as malformed. `te` is handled apart (only "trailers").
 */
export const CONNECTION_SPECIFIC: ReadonlySet<string> = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
]);

/** The request pseudo-headers, each with the {@link HeaderListInfo} field it fills (no string made per field). */
const REQUEST_PSEUDO: ReadonlyMap<string, 'method' | 'scheme' | 'authority' | 'path' | 'protocol'> = new Map([
  [':method', 'method'],
  [':scheme', 'scheme'],
  [':authority', 'authority'],
  [':path', 'path'],
  [':protocol', 'protocol'],
]);

/**
 * Checks a received field block against RFC 9113 §8.1-§8.3 (and RFC 8441 §4
 * for `:protocol`). Returns an error message when the message is malformed —
 * the caller answers with a stream PROTOCOL_ERROR (§8.1.1) — or `undefined`
 * when it is valid, with the pseudo-headers written into `info`.
 */
export function checkHeaderList(
  fields: ReadonlyArray<readonly [string, string]>,
  kind: BlockKind,
  options: HeaderListCheckOptions,
  info: HeaderListInfo,
): string | undefined {
  info.method = info.scheme = info.authority = info.path = info.protocol = undefined;
  info.status = undefined;
  info.contentLength = -1;
  info.isConnect = false;
  let regularSeen = false;

  for (let i = 0; i < fields.length; i++) {
    const name = fields[i][0];
    const value = fields[i][1];
    if (name.length > 0 && name.charCodeAt(0) === 0x3a /* ':' */) {
      // §8.3: pseudo-headers only in header sections, before every regular field, at most once each.
      if (kind === BlockKind.Trailers) return `pseudo-header ${name} in trailers`;
      if (regularSeen) return `pseudo-header ${name} after a regular field`;
      if (!isValidFieldValue(value)) return `invalid value for ${name}`;
      const err = kind === BlockKind.Request ? takeRequestPseudo(name, value, options, info) : takeResponsePseudo(name, value, info);
      if (err !== undefined) return err;
      continue;
    }
    regularSeen = true;
    if (!isValidFieldName(name)) return name.length === 0 ? 'empty field name' : `invalid field name ${JSON.stringify(name)}`;
    if (!isValidFieldValue(value)) return `invalid value for field ${name}`;
    if (CONNECTION_SPECIFIC.has(name)) return `connection-specific field ${name}`;
    // §8.2.2, and case-insensitive as every ABNF literal is (RFC 5234 §2.3): `Trailers` is that same value.
    if (name === 'te' && value.toLowerCase() !== 'trailers') return 'te other than "trailers"';
    // Host stands for :authority (§8.3.1), with the same grammar (RFC 9110 §7.2).
    if (name === 'host' && kind === BlockKind.Request && !isValidAuthority(value)) return 'invalid host';
    if (name === 'content-length') {
      // RFC 9110 §8.6: repeated values must all be the same decimal number.
      const n = parseContentLength(value);
      if (n < 0 || (info.contentLength >= 0 && info.contentLength !== n)) return 'invalid content-length';
      info.contentLength = n;
    }
  }

  if (kind === BlockKind.Request) return checkRequestPseudo(info);
  if (kind === BlockKind.Response && info.status === undefined) return 'missing :status';
  return undefined;
}

function takeRequestPseudo(
  name: string,
  value: string,
  options: HeaderListCheckOptions,
  info: HeaderListInfo,
): string | undefined {
  const key = REQUEST_PSEUDO.get(name);
  if (key === undefined) return `pseudo-header ${name} not allowed in a request`;
  if (info[key] !== undefined) return `duplicate ${name}`;
  if (key === 'protocol' && !options.connectProtocolEnabled) return ':protocol without SETTINGS_ENABLE_CONNECT_PROTOCOL';
  info[key] = value;
  return undefined;
}

function takeResponsePseudo(name: string, value: string, info: HeaderListInfo): string | undefined {
  if (name !== ':status') return `pseudo-header ${name} not allowed in a response`;
  if (info.status !== undefined) return 'duplicate :status';
  // §8.3.2: the three-digit status code.
  if (value.length !== 3 || !isDigits(value)) return 'invalid :status';
  info.status = +value;
  return undefined;
}

function checkRequestPseudo(info: HeaderListInfo): string | undefined {
  if (info.method === undefined) return 'missing :method';
  // §8.3.1: exactly one *valid* value for each (see pseudo-values.ts); an empty one is missing.
  if (!isValidMethod(info.method)) return 'invalid :method';
  if (info.authority !== undefined && !isValidAuthority(info.authority)) return 'invalid :authority';
  if (info.method === 'CONNECT') {
    info.isConnect = true;
    if (info.protocol === undefined) {
      // §8.5: CONNECT carries :authority only; :scheme and :path MUST be omitted.
      if (info.authority === undefined || info.authority === '') return 'CONNECT without :authority';
      if (info.scheme !== undefined || info.path !== undefined) return 'CONNECT with :scheme or :path';
      return undefined;
    }
    // RFC 8441 §4: extended CONNECT carries :scheme, :path and :authority as usual.
  } else if (info.protocol !== undefined) {
    return ':protocol on a method other than CONNECT';
  }
  if (info.scheme === undefined || info.scheme === '') return 'missing :scheme';
  if (!isValidScheme(info.scheme)) return 'invalid :scheme';
  if (info.path === undefined || info.path === '') return 'missing or empty :path';
  if (!isValidPath(info.path)) return 'invalid :path';
  // §8.3.1: for http/https, :path is an origin-form starting with "/" or "*" for OPTIONS.
  const c = info.path.charCodeAt(0);
  if ((info.scheme === 'http' || info.scheme === 'https') && c !== 0x2f && !(info.path === '*' && info.method === 'OPTIONS')) {
    return 'invalid :path';
  }
  return undefined;
}

function isDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** The value of a content-length field, or -1 if it is not a plain decimal number (RFC 9110 §8.6). */
export function parseContentLength(value: string): number {
  if (value.length === 0 || value.length > 15 || !isDigits(value)) return -1;
  return +value;
}

/** A fresh {@link HeaderListInfo} to reuse across calls. */
export function newHeaderListInfo(): HeaderListInfo {
  return {
    method: undefined,
    scheme: undefined,
    authority: undefined,
    path: undefined,
    protocol: undefined,
    status: undefined,
    contentLength: -1,
    isConnect: false,
  };
}
