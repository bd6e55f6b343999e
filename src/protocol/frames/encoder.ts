import { altsvcCodec } from './altsvc';
import { checkPadding, writeFrameHeader, type FrameCodec } from './codec';
import { continuationCodec } from './continuation';
import { dataCodec, dataFlags, dataPayloadLength, type DataFrame } from './data';
import type { Frame } from './frame';
import { FRAME_HEADER_LENGTH, FrameType } from './frame-type';
import { goawayCodec } from './goaway';
import { headersCodec } from './headers';
import { originCodec } from './origin';
import { pingCodec } from './ping';
import { priorityCodec } from './priority';
import { pushPromiseCodec } from './push-promise';
import { rstStreamCodec } from './rst-stream';
import { settingsCodec } from './settings';
import { checkUnknownFrame, type UnknownFrame } from './unknown';
import { windowUpdateCodec } from './window-update';

/** Source of padding octets for {@link encodeFrameInto}: §6.1 requires them to be zero, so one shared buffer serves every frame. */
const ZERO_PADDING: Uint8Array = new Uint8Array(255);

function encodeWith<F extends { streamId: number }>(codec: FrameCodec<F>, frame: F): Uint8Array {
  const length = codec.payloadLength(frame);
  // allocUnsafe is safe here: writeFrameHeader and writePayload write every octet (padding is zero-filled).
  const out = Buffer.allocUnsafe(FRAME_HEADER_LENGTH + length);
  writeFrameHeader(out, 0, length, codec.type, codec.flags(frame), frame.streamId);
  codec.writePayload(frame, out, FRAME_HEADER_LENGTH);
  return out;
}

function encodeUnknown(frame: UnknownFrame): Uint8Array {
  checkUnknownFrame(frame);
  const out = Buffer.allocUnsafe(FRAME_HEADER_LENGTH + frame.payload.length);
  writeFrameHeader(out, 0, frame.payload.length, frame.type, frame.flags, frame.streamId);
  out.set(frame.payload, FRAME_HEADER_LENGTH);
  return out;
}

/**
 * Serializes one frame (RFC 9113 §4.1) into a single new buffer. Flags not
 * defined for the type are not written, reserved bits are written as 0.
 * Throws `RangeError` for values the wire cannot carry; it does not check the
 * peer's SETTINGS_MAX_FRAME_SIZE (the caller sizes DATA, and
 * {@link splitHeaderBlock} sizes field blocks).
 */
export function encodeFrame(frame: Frame): Uint8Array {
  if (frame.unknown === true) return encodeUnknown(frame);
  switch (frame.type) {
    case FrameType.DATA:
      return encodeWith(dataCodec, frame);
    case FrameType.HEADERS:
      return encodeWith(headersCodec, frame);
    case FrameType.PRIORITY:
      return encodeWith(priorityCodec, frame);
    case FrameType.RST_STREAM:
      return encodeWith(rstStreamCodec, frame);
    case FrameType.SETTINGS:
      return encodeWith(settingsCodec, frame);
    case FrameType.PUSH_PROMISE:
      return encodeWith(pushPromiseCodec, frame);
    case FrameType.PING:
      return encodeWith(pingCodec, frame);
    case FrameType.GOAWAY:
      return encodeWith(goawayCodec, frame);
    case FrameType.WINDOW_UPDATE:
      return encodeWith(windowUpdateCodec, frame);
    case FrameType.CONTINUATION:
      return encodeWith(continuationCodec, frame);
    case FrameType.ALTSVC:
      return encodeWith(altsvcCodec, frame);
    case FrameType.ORIGIN:
      return encodeWith(originCodec, frame);
    default:
      throw new TypeError(`not a frame: type ${(frame as { type: unknown }).type} without unknown: true`);
  }
}

/**
 * Serializes one frame by appending chunks to `out` (for a vectored socket
 * write) and returns the number of octets appended.
 *
 * DATA is not copied: `out` receives a 9-octet header (10 with the Pad Length
 * octet), then `frame.data` itself (omitted when empty), then a slice of a
 * shared zero buffer for the padding. The caller must therefore not mutate
 * `frame.data` until the chunks are written. Other frames go out as one chunk
 * from {@link encodeFrame}.
 */
export function encodeFrameInto(frame: Frame, out: Uint8Array[]): number {
  if (frame.unknown !== true && frame.type === FrameType.DATA) return encodeDataInto(frame, out);
  const bytes = encodeFrame(frame);
  out.push(bytes);
  return bytes.length;
}

function encodeDataInto(frame: DataFrame, out: Uint8Array[]): number {
  return encodeDataFrameInto(frame.streamId, frame.data, frame.endStream, frame.padding, out);
}

/**
 * {@link encodeFrameInto} for a DATA frame given by its fields, for a sender
 * that frames many (the connection core's scheduler): no frame object to
 * build. Appends the header, `data` itself (not copied; omitted when empty)
 * and the padding; returns the octets appended.
 */
export function encodeDataFrameInto(streamId: number, data: Uint8Array, endStream: boolean, padding: number | undefined, out: Uint8Array[]): number {
  if (padding !== undefined) checkPadding(padding);
  const length = dataPayloadLength(data.length, padding);
  const head = Buffer.allocUnsafe(padding === undefined ? FRAME_HEADER_LENGTH : FRAME_HEADER_LENGTH + 1);
  writeFrameHeader(head, 0, length, FrameType.DATA, dataFlags(endStream, padding), streamId);
  if (padding !== undefined) head[FRAME_HEADER_LENGTH] = padding;
  out.push(head);
  if (data.length > 0) out.push(data);
  if (padding !== undefined && padding > 0) out.push(ZERO_PADDING.subarray(0, padding));
  return FRAME_HEADER_LENGTH + length;
}
