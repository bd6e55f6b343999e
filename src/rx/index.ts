/**
 * The RxJS operators of rx-http2: each wraps one protocol piece (frame codec,
 * HPACK) or one I/O concern (write coalescing, timers, pull-based bodies) and
 * knows nothing of connection state.
 * @packageDocumentation
 */
export { decodeFrames, isFrameErrorNotice } from './decode-frames';
export type { DecodeFramesOptions, FrameErrorNotice } from './decode-frames';
export { encodeFrames } from './encode-frames';
export { hpackDecode } from './hpack-decode';
export { hpackEncode } from './hpack-encode';
export type { HeaderList, SensitiveHeaderList } from './hpack-encode';
export { coalesceWrites } from './coalesce-writes';
export { tapFrames } from './tap-frames';
export type { FrameDirection, FrameTapEvent, TapFramesOptions } from './tap-frames';
export { deadlineTicks } from './ticks';
export { BodyIterable, bodyIterable } from './body-iterable';
export type { BodyIterableOptions } from './body-iterable';
