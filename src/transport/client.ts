import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { parseAuthority } from './authority';
import { TransportErrorCode, transportError } from './errors';
import { DEFAULT_TLS_HANDSHAKE_TIMEOUT } from './server';

/**
 * Options of {@link dial}: any `net.connect()` / `tls.connect()` option
 * (`ca`, `cert`, `key`, `rejectUnauthorized`, `checkServerIdentity`,
 * `servername`, `lookup`, …) plus `node:http2`'s `protocol` and
 * `createConnection`. `ALPNProtocols` is not an option: it is always `['h2']`.
 */
export interface DialOptions extends Omit<tls.ConnectionOptions, 'ALPNProtocols'>, Omit<Partial<net.TcpSocketConnectOpts>, keyof tls.ConnectionOptions> {
  /** Protocol when the authority has none (`'http:'` or `'https:'`). Default `'https:'`. */
  protocol?: string;
  /**
   * Makes the connection instead of `net.connect`/`tls.connect`, as in
   * `http2.connect()`: receives the authority as a URL and these options.
   * Its socket is used as is (no ALPN check); if it is still connecting,
   * `dial` waits for `'connect'` (`'secureConnect'` for a TLSSocket). A
   * socket already destroyed or ended rejects: with its error if it failed,
   * else `ERR_SOCKET_CLOSED`.
   */
  createConnection?: (authority: URL, options: DialOptions) => Duplex;
  /**
   * Most milliseconds the TLS handshake may take before the connection is
   * given up (`ERR_TLS_HANDSHAKE_TIMEOUT`, socket destroyed). Default
   * {@link DEFAULT_TLS_HANDSHAKE_TIMEOUT} (10 s); 0: no limit. A server that
   * accepts the TCP connection and then says nothing would otherwise hold
   * `connect()` for ever: over h2c the preface timeout bounds that silence,
   * but over TLS the session does not exist before the handshake
   * (SECURITY #18). node:http2's client has no such bound.
   */
  handshakeTimeout?: number;
}

/**
 * Opens the connection for an HTTP/2 client session, as `http2.connect()`
 * does, and resolves once it can carry the preface:
 * - `http://host:port` → `net.connect` (h2c with prior knowledge, RFC 9113 §3.3);
 * - `https://host:port` → `tls.connect` with ALPN `['h2']` and SNI
 *   `servername` = the host (not for IP literals, as Node does; an explicit
 *   `servername` wins). Resolves after the handshake, and rejects with
 *   `ERR_TRANSPORT_ALPN_NOT_H2` (socket destroyed) if the server did not
 *   select `h2`;
 * - `options.createConnection(url, options)` when given.
 *
 * Sockets are made with `allowHalfOpen: true` (the peer's FIN ends only our
 * input; we still send our GOAWAY) and no Nagle delay (writes are already
 * coalesced per tick). As in Node, the options are spread after the host and
 * port taken from the authority, so `options.host`/`options.port` override them.
 *
 * Argument errors throw synchronously, as `http2.connect()` does (the facade
 * can call `dial` in place): `ERR_INVALID_URL`, `ERR_HTTP2_UNSUPPORTED_PROTOCOL`
 * (see {@link parseAuthority}). Connection errors (ECONNREFUSED, certificate
 * errors, …) reject, with the socket destroyed.
 */
export function dial(authority: string | URL, options: DialOptions = {}): Promise<Duplex> {
  const { url, protocol, host, port } = parseAuthority(authority, options);
  const handshakeTimeout = options.handshakeTimeout ?? DEFAULT_TLS_HANDSHAKE_TIMEOUT;
  if (typeof options.createConnection === 'function') {
    const socket = options.createConnection(url, options);
    // A socket that is already gone carries no session: say so now, not by a session that never hears back.
    if (socket.destroyed || !socket.writable) {
      const failure = socket.errored ?? transportError(TransportErrorCode.SOCKET_CLOSED, 'Socket is closed');
      socket.destroy();
      return Promise.reject(failure);
    }
    const pending = (socket as net.Socket).connecting === true || (socket as { secureConnecting?: boolean }).secureConnecting === true;
    if (!pending) return Promise.resolve(socket);
    const tlsPending = socket instanceof tls.TLSSocket;
    return connected(socket, tlsPending ? 'secureConnect' : 'connect', false, tlsPending ? handshakeTimeout : 0);
  }
  const { createConnection: _createConnection, protocol: _protocol, handshakeTimeout: _handshakeTimeout, ...connectOptions } = options;
  if (protocol === 'http:') {
    const socket = net.connect({ allowHalfOpen: true, port, host, ...connectOptions } as net.TcpNetConnectOpts);
    return connected(socket, 'connect', false);
  }
  const servername = connectOptions.servername || (net.isIP(host) !== 0 ? undefined : host);
  // tls.connect honours allowHalfOpen, though @types/node does not list it.
  const socket = tls.connect({ allowHalfOpen: true, port, host, ...connectOptions, servername, ALPNProtocols: ['h2'] } as tls.ConnectionOptions);
  return connected(socket, 'secureConnect', true, handshakeTimeout);
}

/**
 * Waits for `event`; then (TLS) checks that `h2` was selected. On 'error',
 * an early 'close', or no `event` within `timeout` ms (0: no limit), rejects
 * and destroys the socket.
 */
function connected(socket: Duplex, event: 'connect' | 'secureConnect', requireH2: boolean, timeout = 0): Promise<Duplex> {
  return new Promise<Duplex>((resolve, reject) => {
    const timer =
      timeout > 0
        ? setTimeout(() => {
            cleanup();
            socket.destroy();
            reject(transportError(TransportErrorCode.TLS_HANDSHAKE_TIMEOUT, `TLS handshake timeout (no handshake within ${timeout} ms)`));
          }, timeout)
        : undefined;
    const cleanup = (): void => {
      clearTimeout(timer);
      socket.off(event, onReady);
      socket.off('error', onError);
      socket.off('close', onClose);
    };
    const onReady = (): void => {
      cleanup();
      if (requireH2) {
        const selected = (socket as tls.TLSSocket).alpnProtocol;
        if (selected !== 'h2') {
          socket.destroy();
          const what = selected === false || selected == null ? 'no protocol' : `'${selected}'`;
          reject(transportError(TransportErrorCode.ALPN_NOT_H2, `The server did not select 'h2' by ALPN (it selected ${what})`));
          return;
        }
      }
      (socket as Partial<net.Socket>).setNoDelay?.(true);
      resolve(socket);
    };
    const onError = (error: Error): void => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onClose = (): void => {
      cleanup();
      reject(transportError(TransportErrorCode.SOCKET_CLOSED, 'Socket is closed'));
    };
    socket.once(event, onReady);
    socket.once('error', onError);
    socket.once('close', onClose);
  });
}
