/**
 * rx-http2: HTTP/2 for Node as RxJS pipelines, with a `node:http2` facade.
 *
 * - The reactive API: {@link serve}, {@link connect}, sessions and streams as
 *   Observables, bodies as ix AsyncIterables with real backpressure.
 * - The RxJS operators and the session pipeline they compose.
 * - From `node:http2`: `constants`, `getDefaultSettings`, `getPackedSettings`,
 *   `getUnpackedSettings`, `sensitiveHeaders`.
 *
 * The protocol layer (frame codec, HPACK, connection core, …) is available
 * on its own as `rx-http2/protocol`.
 * @packageDocumentation
 */
export * from './rx';
export { constants, sensitiveHeaders } from './node/constants';
export { getDefaultSettings, getPackedSettings, getUnpackedSettings } from './node/settings';
export type { Settings } from './node/settings';
export { ErrorCode, errorCodeName } from './protocol/error-code';
export { H2Error } from './protocol/h2-error';
export type { H2ErrorKind, H2ErrorInitiator, H2ErrorScope, H2ErrorInit } from './protocol/h2-error';
