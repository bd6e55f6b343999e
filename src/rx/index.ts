/**
 * The RxJS layer of rx-http2: one operator per file, each wrapping one
 * protocol piece (frame codec, HPACK) or one I/O concern (write coalescing,
 * timers, pull-based bodies); the session pipeline that composes them around
 * the sans-I/O connection core; and the reactive API built on it.
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
export { idleTimeout } from './idle-timeout';
export { BodyIterable, bodyIterable } from './body-iterable';
export type { BodyIterableOptions } from './body-iterable';
export { demultiplex } from './demultiplex';
export type { StreamChannel } from './demultiplex';
export { flowControlledBody } from './flow-control';
export type { BodyCredit } from './flow-control';
export { connectionEventsTo } from './session-events';
export type { SessionEvent, StreamEvent } from './session-events';
export { SessionPipeline, MAX_TAKE_BYTES, SLOW_DRAIN_MS } from './session-pipeline';
export type { SessionPipelineOptions, TappedFrame } from './session-pipeline';
export { toFields, toHeaders } from './headers';
export type { IncomingHeaders, OutgoingHeaders, OutgoingHeaderValue } from './headers';
export { sendBody, BODY_HIGH_WATER } from './send-body';
export type { Body, BodySink, TrailerFields } from './send-body';
export { RxSession } from './rx-session';
export type { AltSvcInfo, GoawayInfo, RxSessionOptions, SessionSettings, SessionState, SettingsSnapshot } from './rx-session';
export { IncomingStream, PushedStream } from './rx-stream';
export type { ResponseEvent, SendOptions, StreamClose, StreamedResponse, Trailers } from './rx-stream';
export { stateName } from './stream-state';
export type { StreamStateEvent, StreamStateName } from './stream-state';
export { serve, RxServer } from './serve';
export type { ServeOptions } from './serve';
export { connect } from './connect';
export type { ConnectOptions } from './connect';
export { bindSession } from './bind-session';
