import type { Duplex } from 'node:stream';

/**
 * Default `unknownProtocolTimeout` (Node's): how long a TLS socket that did
 * not negotiate `h2`, and that no handler took, may stay open after we told it
 * so. Bounds what a client without ALPN can hold (SECURITY: every peer-held
 * resource is bounded).
 */
export const DEFAULT_UNKNOWN_PROTOCOL_TIMEOUT = 10_000;

/**
 * What Node's HTTP/2 secure server writes to a client that negotiated no
 * protocol it serves, before ending the socket (verbatim, `lib/internal/http2/core.js`).
 */
export const UNKNOWN_PROTOCOL_RESPONSE =
  'HTTP/1.0 403 Forbidden\r\n' +
  'Content-Type: text/plain\r\n\r\n' +
  'Missing ALPN Protocol, expected `h2` to be available.\n' +
  'If this is a HTTP request: The server was not ' +
  'configured with the `allowHTTP1` option or a ' +
  'listener for the `unknownProtocol` event.\n';

/**
 * Node's treatment of a socket with an unknown protocol when nobody handles
 * `'unknownProtocol'`: say so in a format the client might understand
 * (HTTP/1.0 403), end our side, and destroy the socket after `timeout` ms if
 * the client has not closed by then. The timer is unref'd and cleared on close.
 */
export function refuseUnknownProtocol(socket: Duplex, timeout: number = DEFAULT_UNKNOWN_PROTOCOL_TIMEOUT): void {
  const timer = setTimeout(() => {
    if (!socket.destroyed) socket.destroy();
  }, timeout);
  timer.unref?.();
  socket.once('close', () => clearTimeout(timer));
  // The socket is ours until it closes: an 'error' without listener would crash the process.
  socket.on('error', () => {});
  socket.end(UNKNOWN_PROTOCOL_RESPONSE);
}
