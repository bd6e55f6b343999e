/**
 * rx-http2: HTTP/2 for Node as RxJS pipelines, with a `node:http2` facade.
 * @packageDocumentation
 */
export * from './protocol/error-code';
export { H2Error } from './protocol/h2-error';
