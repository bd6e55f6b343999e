/**
 * A frame of a type this codec does not know (RFC 9113 §4.1, §5.5: such
 * frames MUST be ignored — by the core, which may still want to see them).
 *
 * `type` is a plain number, so it cannot discriminate the {@link Frame} union
 * on its own: the literal `unknown: true` does. Every known frame has
 * `unknown?: undefined`, so `if (frame.unknown)` narrows to UnknownFrame and its
 * `else` branch to {@link KnownFrame}, where `switch (frame.type)` narrows fully.
 * The encoder writes an UnknownFrame verbatim, whatever its type code, which
 * also makes it the way to send raw or experimental frames.
 */
export interface UnknownFrame {
  type: number;
  flags: number;
  streamId: number;
  payload: Uint8Array;
  unknown: true;
}

/** Throws `RangeError` unless the type code and flags of `frame` fit one octet each. */
export function checkUnknownFrame(frame: UnknownFrame): void {
  if (!(frame.type >= 0 && frame.type <= 0xff && frame.flags >= 0 && frame.flags <= 0xff)) {
    throw new RangeError(`frame type ${frame.type} / flags ${frame.flags} do not fit one octet`);
  }
}

/** Wraps a frame of unknown type; `payload` is a view of `buf[start, end)`. */
export function decodeUnknownFrame(
  type: number,
  flags: number,
  streamId: number,
  buf: Uint8Array,
  start: number,
  end: number,
): UnknownFrame {
  return { type, flags, streamId, payload: buf.subarray(start, end), unknown: true };
}
