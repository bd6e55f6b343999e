/**
 * rx-http2: HTTP/2 for Node as RxJS pipelines, with a `node:http2` facade.
 *
 * The protocol layer (frame codec, HPACK, settings ids, …) is also available
 * on its own as `rx-http2/protocol`.
 * @packageDocumentation
 */
export { constants, sensitiveHeaders } from './node/constants';
export { getDefaultSettings, getPackedSettings, getUnpackedSettings } from './node/settings';
export type { Settings } from './node/settings';
export { ErrorCode, errorCodeName } from './protocol/error-code';
export { H2Error } from './protocol/h2-error';
export type { H2ErrorKind, H2ErrorInitiator, H2ErrorScope, H2ErrorInit } from './protocol/h2-error';
