/**
 * The HTTP/2 frame codec (RFC 9113 §4, §6; ALTSVC, RFC 7838 §4; ORIGIN,
 * RFC 8336 §2): typed frames, an encoder, an incremental decoder, padding
 * and field-block splitting. Pure: bytes in, bytes out, no connection state.
 * @packageDocumentation
 */
export * from './frame-type';
export { writeFrameHeader, MAX_FRAME_LENGTH, type FrameCodec } from './codec';
export * from './frame';
export * from './data';
export * from './headers';
export * from './priority';
export * from './rst-stream';
export * from './settings';
export * from './push-promise';
export * from './ping';
export * from './goaway';
export * from './window-update';
export * from './continuation';
export * from './altsvc';
export * from './origin';
export * from './unknown';
export * from './encoder';
export * from './decoder';
export * from './padding';
export * from './header-block';
