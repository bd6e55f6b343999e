import type { ContinuationFrame } from './continuation';
import { FrameType } from './frame-type';
import type { HeadersFrame } from './headers';
import { PRIORITY_SPEC_LENGTH, type PrioritySpec } from './priority';
import type { PushPromiseFrame } from './push-promise';

/** Options of {@link splitHeaderBlock}: they apply to the HEADERS frame (CONTINUATION carries none of them). */
export interface HeaderBlockOptions {
  /** END_STREAM on the HEADERS frame (§8.1: it stays there even when CONTINUATION follows). */
  endStream?: boolean;
  priority?: PrioritySpec;
  /** Padding octets of the HEADERS frame (CONTINUATION cannot be padded, §6.10). */
  padding?: number;
}

/** Options of {@link splitPushPromiseBlock}. */
export interface PushPromiseBlockOptions {
  /** Padding octets of the PUSH_PROMISE frame. */
  padding?: number;
}

function firstCapacity(maxFrameSize: number, overhead: number): number {
  const capacity = maxFrameSize - overhead;
  if (!(capacity >= 0) || !(maxFrameSize >= 1)) {
    throw new RangeError(`a max frame size of ${maxFrameSize} leaves no room for the ${overhead} octets of fixed fields`);
  }
  return capacity;
}

function continuations<F>(
  streamId: number,
  block: Uint8Array,
  from: number,
  maxFrameSize: number,
  frames: Array<F | ContinuationFrame>,
): void {
  for (let pos = from; pos < block.length; pos += maxFrameSize) {
    const end = Math.min(block.length, pos + maxFrameSize);
    frames.push({ type: FrameType.CONTINUATION, streamId, headerBlock: block.subarray(pos, end), endHeaders: end === block.length });
  }
}

/**
 * Splits a field block into a HEADERS frame and as many CONTINUATION frames
 * as needed so that no payload exceeds `maxFrameSize`, the peer's
 * SETTINGS_MAX_FRAME_SIZE (RFC 9113 §4.2, §4.3, §6.10). END_HEADERS is set on
 * the last frame only. Fragments are views of `block`, not copies. Throws
 * `RangeError` when the padding and priority fields alone exceed `maxFrameSize`.
 */
export function splitHeaderBlock(
  streamId: number,
  block: Uint8Array,
  opts: HeaderBlockOptions,
  maxFrameSize: number,
): Array<HeadersFrame | ContinuationFrame> {
  const padding = opts.padding;
  const priority = opts.priority;
  const overhead = (padding !== undefined ? 1 + padding : 0) + (priority !== undefined ? PRIORITY_SPEC_LENGTH : 0);
  const first = Math.min(block.length, firstCapacity(maxFrameSize, overhead));
  const frames: Array<HeadersFrame | ContinuationFrame> = [
    {
      type: FrameType.HEADERS,
      streamId,
      headerBlock: block.subarray(0, first),
      endStream: opts.endStream === true,
      endHeaders: first === block.length,
      padding,
      priority,
    },
  ];
  continuations(streamId, block, first, maxFrameSize, frames);
  return frames;
}

/**
 * Splits a promised request's field block into a PUSH_PROMISE frame and
 * CONTINUATION frames that each fit `maxFrameSize` (RFC 9113 §6.6, §6.10).
 * Same rules as {@link splitHeaderBlock}.
 */
export function splitPushPromiseBlock(
  streamId: number,
  promisedStreamId: number,
  block: Uint8Array,
  opts: PushPromiseBlockOptions,
  maxFrameSize: number,
): Array<PushPromiseFrame | ContinuationFrame> {
  const padding = opts.padding;
  const overhead = (padding !== undefined ? 1 + padding : 0) + 4;
  const first = Math.min(block.length, firstCapacity(maxFrameSize, overhead));
  const frames: Array<PushPromiseFrame | ContinuationFrame> = [
    {
      type: FrameType.PUSH_PROMISE,
      streamId,
      promisedStreamId,
      headerBlock: block.subarray(0, first),
      endHeaders: first === block.length,
      padding,
    },
  ];
  continuations(streamId, block, first, maxFrameSize, frames);
  return frames;
}
