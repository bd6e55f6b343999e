/**
 * Errors the transport raises itself. The transport sits below the `node:http2`
 * facade and must not import it, so these are plain `Error`s with a `code`
 * property; where Node has a code for the same failure the code (and message)
 * is Node's, so the facade can map them one to one.
 */

/** An `Error` with a Node-style `code`. */
export interface TransportError extends Error {
  readonly code: string;
}

/** Codes raised by the transport. */
export const TransportErrorCode = {
  /** Node's code (same message) for an authority whose protocol is not `http:` or `https:`. */
  UNSUPPORTED_PROTOCOL: 'ERR_HTTP2_UNSUPPORTED_PROTOCOL',
  /**
   * The TLS server did not select `h2` by ALPN. Node's own client has no such
   * check (it would fail later, on the first frame); failing at connect time
   * says what is wrong.
   */
  ALPN_NOT_H2: 'ERR_TRANSPORT_ALPN_NOT_H2',
  /** Node's code (same message): the socket closed before it connected. */
  SOCKET_CLOSED: 'ERR_SOCKET_CLOSED',
  /** The TLS handshake did not complete within the client's `handshakeTimeout` (Node's code for the server side). */
  TLS_HANDSHAKE_TIMEOUT: 'ERR_TLS_HANDSHAKE_TIMEOUT',
} as const;

/** Makes an `Error` carrying `code` as an own enumerable property, as Node's errors do. */
export function transportError(code: string, message: string): TransportError {
  return Object.assign(new Error(message), { code });
}
