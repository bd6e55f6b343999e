/**
 * `rx-http2/protocol`: the I/O-free layer of rx-http2 — frame codec, HPACK,
 * settings ids, error codes. No RxJS, no sockets, no timers.
 * @packageDocumentation
 */
export * from './error-code';
export * from './h2-error';
export * from './settings';
export * from './frames/frame-type';
