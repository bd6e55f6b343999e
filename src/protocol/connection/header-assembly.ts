/**
 * Assembly of a header block split over HEADERS / PUSH_PROMISE and
 * CONTINUATION frames (RFC 9113 §4.3, §6.10), bounded (SECURITY #7).
 * @packageDocumentation
 */
import { ErrorCode } from '../error-code';
import { H2Error } from '../h2-error';

/**
 * One header block in assembly. §4.3: a block "MUST be transmitted as a
 * contiguous sequence of frames, with no interleaved frames of any other type
 * or from any other stream" — that rule is the core's frame gate; this class
 * holds the fragments and enforces the size and frame-count budgets.
 *
 * A block that fits one frame never comes here (it is decoded straight from
 * the frame, no copy). Fragments of a split block are copied into one buffer
 * (at most `maxBytes`) rather than kept as views, because a view would pin
 * the whole socket chunk it came from.
 */
export class HeaderAssembly {
  /** True between a HEADERS/PUSH_PROMISE without END_HEADERS and the END_HEADERS. */
  active = false;
  /** Stream the block belongs to. */
  streamId = 0;
  /** PUSH_PROMISE block (else HEADERS). */
  isPush = false;
  /** PUSH_PROMISE: the promised stream. */
  promisedStreamId = 0;
  /** HEADERS: END_STREAM was set on the HEADERS frame. */
  endStream = false;
  /** HEADERS: the frame's priority depended on its own stream (§5.3.1): reset once decoded. */
  selfDependent = false;
  /** Input clock when the block started, for the header-phase timeout. */
  startedAt = 0;
  /** CONTINUATION frames received so far. */
  continuations = 0;

  private buf: Uint8Array | null = null;
  private size = 0;

  /**
   * @param maxBytes see {@link ConnectionLimits.maxHeaderBlockSize}.
   * @param maxContinuations see {@link ConnectionLimits.maxContinuationFrames}.
   */
  constructor(
    public maxBytes: number,
    public maxContinuations: number,
  ) {}

  /** Octets held (for memory accounting). */
  get bufferedBytes(): number {
    return this.size;
  }

  /** Starts a block with its first fragment. */
  start(streamId: number, fragment: Uint8Array, now: number): H2Error | undefined {
    this.active = true;
    this.streamId = streamId;
    this.startedAt = now;
    this.continuations = 0;
    this.size = 0;
    this.buf = null;
    return this.add(fragment);
  }

  /** Adds a CONTINUATION fragment; a budget overrun is a connection error naming the limit. */
  append(fragment: Uint8Array): H2Error | undefined {
    if (++this.continuations > this.maxContinuations) {
      return H2Error.connection(
        ErrorCode.ENHANCE_YOUR_CALM,
        `header block on stream ${this.streamId} exceeds ${this.maxContinuations} CONTINUATION frames (SECURITY #7)`,
        'maxContinuationFrames',
      );
    }
    return this.add(fragment);
  }

  /** The whole block; ends the assembly. The view is valid until the next `start`. */
  finish(): Uint8Array {
    const block = this.buf === null ? new Uint8Array(0) : this.buf.subarray(0, this.size);
    this.active = false;
    this.buf = null;
    this.size = 0;
    return block;
  }

  /** Drops the block in progress. */
  clear(): void {
    this.active = false;
    this.buf = null;
    this.size = 0;
  }

  private add(fragment: Uint8Array): H2Error | undefined {
    const n = fragment.length;
    if (n === 0) return undefined;
    const total = this.size + n;
    if (total > this.maxBytes) {
      return H2Error.connection(
        ErrorCode.ENHANCE_YOUR_CALM,
        `header block on stream ${this.streamId} exceeds ${this.maxBytes} octets (SECURITY #7)`,
        'maxHeaderBlockSize',
      );
    }
    let buf = this.buf;
    if (buf === null || buf.length < total) {
      const grown = new Uint8Array(Math.min(this.maxBytes, Math.max(total, buf === null ? 4096 : buf.length * 2)));
      if (buf !== null) grown.set(buf.subarray(0, this.size));
      buf = this.buf = grown;
    }
    buf.set(fragment, this.size);
    this.size = total;
    return undefined;
  }
}
