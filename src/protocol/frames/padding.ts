/**
 * Padding strategies, with the values of Node's `http2.constants`
 * (`PADDING_STRATEGY_NONE` 0, `PADDING_STRATEGY_ALIGNED` 1,
 * `PADDING_STRATEGY_MAX` 2; `PADDING_STRATEGY_CALLBACK` has been an alias of
 * ALIGNED since Node 13).
 */
export const PaddingStrategy = {
  NONE: 0,
  ALIGNED: 1,
  MAX: 2,
  CALLBACK: 1,
} as const;

/** One of {@link PaddingStrategy}'s values. */
export type PaddingStrategy = (typeof PaddingStrategy)[keyof typeof PaddingStrategy];

/** The most padding octets a frame can carry: the Pad Length field is one octet (RFC 9113 §6.1). */
export const MAX_PADDING = 255;

/**
 * How much padding Node (nghttp2) puts on a DATA or HEADERS frame whose
 * unpadded payload is `payloadLength` octets, sending under the peer's
 * `maxFrameSize`. Returns the number of padding octets (excluding the Pad
 * Length octet), or `undefined` for "no PADDED flag".
 *
 * - NONE (and any unknown value): `undefined`.
 * - MAX: as much as fits — up to 255 padding octets, bounded by `maxFrameSize`
 *   (nghttp2's `max(payload+256, maxFrameSize)` for the padded payload).
 * - ALIGNED: the smallest padding that makes the whole frame (9-octet header,
 *   Pad Length octet, payload, padding) a multiple of 8; `undefined` when it
 *   already is one. When `maxFrameSize` leaves less room than that, the room
 *   left is used and the frame is not aligned (Node's documented behavior).
 *
 * Both add padding only when at least the Pad Length octet fits.
 */
export function paddingFor(strategy: number, payloadLength: number, maxFrameSize: number): number | undefined {
  const room = maxFrameSize - payloadLength; // octets available for Pad Length + padding
  if (strategy === PaddingStrategy.MAX) {
    return room >= 1 ? Math.min(MAX_PADDING, room - 1) : undefined;
  }
  if (strategy === PaddingStrategy.ALIGNED) {
    const misalignment = (payloadLength + 9) % 8;
    if (misalignment === 0) return undefined;
    const extra = Math.min(8 - misalignment, room);
    return extra >= 1 ? extra - 1 : undefined;
  }
  return undefined;
}
