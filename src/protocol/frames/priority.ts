import { ErrorCode } from '../error-code';
import { H2Error } from '../h2-error';
import { readU31, U31_MASK, writeU32, type FrameCodec } from './codec';
import { FrameType } from './frame-type';

/**
 * A stream's priority (RFC 9113 §5.3.1, deprecated by RFC 9113 but still on
 * the wire). `weight` is 1..256, i.e. the wire octet + 1, as Node's API has it.
 */
export interface PrioritySpec {
  dependsOn: number;
  exclusive: boolean;
  weight: number;
}

/** PRIORITY (RFC 9113 §6.3). */
export interface PriorityFrame {
  type: typeof FrameType.PRIORITY;
  streamId: number;
  priority: PrioritySpec;
  /** Always absent on known frames; see {@link UnknownFrame}. */
  unknown?: undefined;
}

/** Octets of a priority block on the wire: E + 31-bit dependency, then weight. */
export const PRIORITY_SPEC_LENGTH = 5;

/** Reads the 5-octet priority block at `buf[i]` (RFC 9113 §6.2, §6.3). */
export function readPrioritySpec(buf: Uint8Array, i: number): PrioritySpec {
  return { dependsOn: readU31(buf, i), exclusive: (buf[i] & 0x80) !== 0, weight: buf[i + 4] + 1 };
}

/** Throws `RangeError` for a priority the wire cannot carry. */
export function checkPrioritySpec(p: PrioritySpec): void {
  if (!(p.weight >= 1 && p.weight <= 256 && Number.isInteger(p.weight))) {
    throw new RangeError(`priority weight must be an integer in 1..256, got ${p.weight}`);
  }
}

/** Writes the 5-octet priority block at `out[i]`. */
export function writePrioritySpec(p: PrioritySpec, out: Uint8Array, i: number): void {
  writeU32(out, i, ((p.dependsOn & U31_MASK) | (p.exclusive ? 0x80000000 : 0)) >>> 0);
  out[i + 4] = p.weight - 1;
}

/**
 * §5.3.1: "A stream cannot depend on itself" — a stream PROTOCOL_ERROR.
 * Returns the error, or `undefined` when the dependency is fine.
 */
export function selfDependencyError(streamId: number, priority: PrioritySpec | undefined): H2Error | undefined {
  if (priority === undefined || priority.dependsOn !== streamId) return undefined;
  return H2Error.stream(streamId, ErrorCode.PROTOCOL_ERROR, `stream ${streamId} depends on itself (RFC 9113 §5.3.1)`);
}

/** Codec of PRIORITY frames (RFC 9113 §6.3). */
export const priorityCodec: FrameCodec<PriorityFrame> = {
  type: FrameType.PRIORITY,

  flags() {
    return 0;
  },

  payloadLength(frame) {
    checkPrioritySpec(frame.priority);
    return PRIORITY_SPEC_LENGTH;
  },

  writePayload(frame, out, offset) {
    writePrioritySpec(frame.priority, out, offset);
  },

  checkHeader(length, _flags, streamId) {
    if (streamId === 0) return H2Error.connection(ErrorCode.PROTOCOL_ERROR, 'PRIORITY frame on stream 0 (RFC 9113 §6.3)');
    // §6.3: a length other than 5 is a *stream* error; the payload is skipped.
    if (length !== PRIORITY_SPEC_LENGTH) {
      return H2Error.stream(streamId, ErrorCode.FRAME_SIZE_ERROR, `PRIORITY frame of ${length} octets, expected 5 (RFC 9113 §6.3)`);
    }
    return undefined;
  },

  decodePayload(_flags, streamId, buf, start) {
    const priority = readPrioritySpec(buf, start);
    return selfDependencyError(streamId, priority) ?? { type: FrameType.PRIORITY, streamId, priority };
  },
};
