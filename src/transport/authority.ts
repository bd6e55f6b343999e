import { TransportErrorCode, transportError } from './errors';

/** Where to connect, as `node:http2`'s `connect()` reads it from an authority. */
export interface ParsedAuthority {
  /** The authority as a URL (a string is parsed; a URL is kept as given): what `createConnection` receives. */
  readonly url: URL;
  /** `'http:'` or `'https:'`. */
  readonly protocol: 'http:' | 'https:';
  /** Host name or IP address, IPv6 without its brackets. */
  readonly host: string;
  /** The URL's port, else 80 for `http:` and 443 otherwise. */
  readonly port: number;
}

/**
 * Reads an authority the way `http2.connect()` does (Node 20,
 * `lib/internal/http2/core.js`):
 * - a string goes through `new URL()`, so a malformed one throws Node's
 *   `ERR_INVALID_URL` (`TypeError`);
 * - the protocol is the URL's, else `options.protocol`, else `https:`; any
 *   other than `http:`/`https:` throws `ERR_HTTP2_UNSUPPORTED_PROTOCOL`
 *   with Node's message;
 * - the port is the URL's, else 80 for `http:`, 443 otherwise;
 * - the host is the hostname with IPv6 brackets removed (`[::1]` → `::1`),
 *   else `localhost`. User info, path, query and fragment are ignored.
 */
export function parseAuthority(authority: string | URL, options: { protocol?: string } = {}): ParsedAuthority {
  const url = typeof authority === 'string' ? new URL(authority) : authority;
  const protocol = url.protocol || options.protocol || 'https:';
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw transportError(TransportErrorCode.UNSUPPORTED_PROTOCOL, `protocol "${protocol}" is unsupported.`);
  }
  // Node looks at the URL's own protocol here, not the resolved one.
  const port = url.port !== '' ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
  let host = 'localhost';
  if (url.hostname) {
    host = url.hostname;
    if (host.startsWith('[')) host = host.slice(1, -1);
  } else if (url.host) {
    host = url.host;
  }
  return { url, protocol, host, port };
}
