import * as net from 'node:net';
import * as tls from 'node:tls';
import { DEFAULT_UNKNOWN_PROTOCOL_TIMEOUT, refuseUnknownProtocol } from './unknown-protocol';

/** Where to listen; `port` 0 (the default) lets the OS choose, `host` defaults to every interface. */
export interface ListenAddress {
  host?: string;
  port?: number;
}

/** Options of {@link listenH2c}: an address plus `net.createServer` options. */
export interface ListenH2cOptions extends ListenAddress, net.ServerOpts {}

/** Options of {@link listenTls}: an address plus `tls.createServer` options. */
export interface ListenTlsOptions extends ListenAddress, tls.TlsOptions {
  /**
   * Also offer `http/1.1` by ALPN. Sockets that negotiate it (or no protocol)
   * go to `onUnknownProtocol`, where the HTTP/1 fallback lives. Default false.
   */
  allowHTTP1?: boolean;
  /**
   * Milliseconds a socket that negotiated no `h2`, when there is no
   * `onUnknownProtocol` handler, stays open after the 403 before it is
   * destroyed. Default {@link DEFAULT_UNKNOWN_PROTOCOL_TIMEOUT} (Node's 10 s).
   */
  unknownProtocolTimeout?: number;
}

/**
 * Default TLS handshake timeout: 10 s (Node's TLS default is 120 s). A client
 * that connects and stays silent holds a socket and a TLS context before the
 * HTTP/2 core sees a byte, so the core's preface timeout cannot bound it
 * (SECURITY #18; 10 s is Go's preface timeout too).
 */
export const DEFAULT_TLS_HANDSHAKE_TIMEOUT = 10_000;

/**
 * Options for `net.createServer` serving h2c:
 * - `allowHalfOpen`: a peer's FIN only completes the session's input. The
 *   session then ends — its open streams are cancelled, as node:http2's are:
 *   a peer that sent FIN can no longer credit a window nor reset a stream —
 *   and what it had framed is flushed before our FIN, not cut off by Node
 *   ending our side at once.
 * - `noDelay`: the pipeline already coalesces writes per tick; Nagle would
 *   only delay them (and SETTINGS ACK, PING ACK).
 * Both can be overridden by the caller.
 */
export function h2cServerOptions(options: ListenH2cOptions = {}): net.ServerOpts {
  const { host: _host, port: _port, ...serverOptions } = options;
  return { allowHalfOpen: true, noDelay: true, ...serverOptions };
}

/**
 * Options for `tls.createServer`, as Node's HTTP/2 secure server makes them:
 * ALPN offers `h2` (plus `http/1.1` with `allowHTTP1`) unless an
 * `ALPNCallback` chooses; `handshakeTimeout` defaults to
 * {@link DEFAULT_TLS_HANDSHAKE_TIMEOUT}; no Nagle delay as in
 * {@link h2cServerOptions}. Not half-open: a client that sends FIN before
 * the handshake completes must close the socket at once (a half-open socket
 * would wait for the handshake timeout); `listenTls` makes `h2` sockets
 * half-open once they are handed over.
 */
export function tlsServerOptions(options: ListenTlsOptions = {}): tls.TlsOptions {
  const { host: _host, port: _port, allowHTTP1, unknownProtocolTimeout: _timeout, ...tlsOptions } = options;
  const result: tls.TlsOptions = {
    noDelay: true,
    ...tlsOptions,
    handshakeTimeout: tlsOptions.handshakeTimeout ?? DEFAULT_TLS_HANDSHAKE_TIMEOUT,
  };
  // Node throws when both are given; an ALPNCallback makes its own choice.
  if (result.ALPNCallback === undefined) result.ALPNProtocols = allowHTTP1 === true ? ['h2', 'http/1.1'] : ['h2'];
  return result;
}

/**
 * Listens for HTTP/2 over cleartext TCP with prior knowledge (RFC 9113 §3.3):
 * every connection is handed to `onSocket` as it is accepted. There is no
 * negotiation here: the connection core checks the client preface (and times
 * it out, SECURITY #18).
 *
 * Resolves with the listening server once it is bound; rejects on a listen
 * error (EADDRINUSE, …).
 */
export function listenH2c(options: ListenH2cOptions, onSocket: (socket: net.Socket) => void): Promise<net.Server> {
  const server = net.createServer(h2cServerOptions(options), onSocket);
  return listen(server, options);
}

/**
 * Listens for HTTP/2 over TLS (RFC 9113 §3.2), negotiated by ALPN.
 *
 * - A socket that negotiated `h2` goes to `onSocket`, made half-open
 *   (`allowHalfOpen = true`: the peer's FIN ends only our input, see
 *   {@link h2cServerOptions}).
 * - Any other (no ALPN extension from the client, or `http/1.1` with
 *   `allowHTTP1`) goes to `onUnknownProtocol`, which then owns it — as with
 *   Node's `'unknownProtocol'` event; the facade's HTTP/1 fallback plugs in
 *   here too. Without a handler it is refused as Node does: a 403 in HTTP/1.0,
 *   our side ended, destroyed after `unknownProtocolTimeout`.
 *   A client whose ALPN list has nothing we offer never gets here: the
 *   handshake fails (`no_application_protocol` alert), as in Node ≥ 19.
 * - The handshake is bounded by `handshakeTimeout` (default
 *   {@link DEFAULT_TLS_HANDSHAKE_TIMEOUT}): a client that connects and stays
 *   silent is dropped. Sockets that fail the handshake (timeout, TLS error)
 *   are destroyed; `'tlsClientError'` on the server still reports them.
 *
 * Resolves with the listening server once it is bound; rejects on a listen error.
 */
export function listenTls(
  options: ListenTlsOptions,
  onSocket: (socket: tls.TLSSocket) => void,
  onUnknownProtocol?: (socket: tls.TLSSocket) => void,
): Promise<tls.Server> {
  const unknownProtocolTimeout = options.unknownProtocolTimeout ?? DEFAULT_UNKNOWN_PROTOCOL_TIMEOUT;
  const server = tls.createServer(tlsServerOptions(options), (socket) => {
    if (socket.alpnProtocol === 'h2') {
      socket.allowHalfOpen = true;
      onSocket(socket);
    }
    else if (onUnknownProtocol !== undefined) onUnknownProtocol(socket);
    else refuseUnknownProtocol(socket, unknownProtocolTimeout);
  });
  // Node's TLS server reports a failed handshake but leaves the socket open
  // (a handshake timeout would then hold it forever): close it.
  server.on('tlsClientError', (_error, socket) => {
    if (!socket.destroyed) socket.destroy();
  });
  return listen(server, options);
}

/** `server.listen` as a promise: resolves on 'listening', rejects on the listen 'error'. */
function listen<S extends net.Server>(server: S, { host, port = 0 }: ListenAddress): Promise<S> {
  return new Promise<S>((resolve, reject) => {
    const onError = (error: Error): void => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve(server);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
