/**
 * The transport layer: a Node socket (net, tls, or any byte-mode Duplex) as
 * an Observable of received chunks plus a writer with backpressure, the glue
 * that runs a session pipeline over it, and the ways to get such sockets —
 * h2c and TLS + ALPN servers, and a client dialer. Imports only node:net,
 * node:tls, node:stream and rxjs.
 * @packageDocumentation
 */
export { socketChunks } from './socket-chunks';
export { SocketWriter } from './socket-writer';
export { bindSocket, DEFAULT_LINGER_TIMEOUT } from './bind-socket';
export type { BindSocketOptions, BoundPipeline, PipelineFactory } from './bind-socket';
export { listenH2c, listenTls, h2cServerOptions, tlsServerOptions, DEFAULT_TLS_HANDSHAKE_TIMEOUT } from './server';
export type { ListenAddress, ListenH2cOptions, ListenTlsOptions } from './server';
export { refuseUnknownProtocol, DEFAULT_UNKNOWN_PROTOCOL_TIMEOUT, UNKNOWN_PROTOCOL_RESPONSE } from './unknown-protocol';
export { dial } from './client';
export type { DialOptions } from './client';
export { parseAuthority } from './authority';
export type { ParsedAuthority } from './authority';
export { transportError, TransportErrorCode } from './errors';
export type { TransportError } from './errors';
