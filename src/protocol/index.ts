/**
 * `rx-http2/protocol`: the I/O-free layer of rx-http2 — frame codec, HPACK,
 * settings ids, error codes, stream states, flow-control windows and the
 * RFC 9113 §8 message checks. No RxJS, no sockets, no timers.
 * @packageDocumentation
 */
export * from './error-code';
export * from './h2-error';
export * from './settings';
export * from './frames';
export * from './hpack';
export * from './streams';
export * from './flow';
export * from './semantics';
export * from './connection';
