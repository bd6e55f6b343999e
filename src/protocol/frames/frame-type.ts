/**
 * Frame type codes: RFC 9113 §6, ALTSVC (RFC 7838 §4) and ORIGIN (RFC 8336 §2).
 * Types not listed here are extension frames; §4.1 and §5.5 say they are ignored.
 */
export const FrameType = {
  DATA: 0x0,
  HEADERS: 0x1,
  PRIORITY: 0x2,
  RST_STREAM: 0x3,
  SETTINGS: 0x4,
  PUSH_PROMISE: 0x5,
  PING: 0x6,
  GOAWAY: 0x7,
  WINDOW_UPDATE: 0x8,
  CONTINUATION: 0x9,
  ALTSVC: 0xa,
  ORIGIN: 0xc,
} as const;

/** One of the known frame type codes. */
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

/** Frame flag bits (RFC 9113 §6). The same bit means different things per type. */
export const FrameFlag = {
  /** DATA, HEADERS: the last frame the sender will send on this stream. */
  END_STREAM: 0x1,
  /** SETTINGS, PING: this frame acknowledges the peer's. */
  ACK: 0x1,
  /** HEADERS, PUSH_PROMISE, CONTINUATION: the header block ends in this frame. */
  END_HEADERS: 0x4,
  /** DATA, HEADERS, PUSH_PROMISE: a Pad Length byte and padding are present. */
  PADDED: 0x8,
  /** HEADERS: the stream dependency, exclusive bit and weight are present. */
  PRIORITY: 0x20,
} as const;

/** Size of the fixed frame header (RFC 9113 §4.1). */
export const FRAME_HEADER_LENGTH = 9;

/** The client connection preface (RFC 9113 §3.4): `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`. */
export const CLIENT_PREFACE: Uint8Array = new Uint8Array(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'));

/** The initial and minimum SETTINGS_MAX_FRAME_SIZE (RFC 9113 §6.5.2). */
export const MIN_MAX_FRAME_SIZE = 16384;
/** The largest SETTINGS_MAX_FRAME_SIZE a peer may advertise: 2^24 - 1. */
export const MAX_MAX_FRAME_SIZE = 16777215;
/** The largest flow-control window and WINDOW_UPDATE increment: 2^31 - 1 (§6.9.1). */
export const MAX_WINDOW_SIZE = 2147483647;
