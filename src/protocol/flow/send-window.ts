import { ErrorCode } from '../error-code';
import { MAX_WINDOW_SIZE } from '../frames/frame-type';
import { H2Error } from '../h2-error';

/**
 * A counter of peer "glitches": protocol violations we answer without closing
 * the connection (stream errors), counted against the MadeYouReset budget
 * (SECURITY #9, #17). One counter is shared by all windows of a connection;
 * the core compares it with its budget.
 */
export interface GlitchCounter {
  /** Number of glitches seen so far. Windows only ever increment it. */
  glitches: number;
}

/**
 * The scope of a flow-control error (§6.9, §6.9.1): a stream window's errors
 * are stream errors (RST_STREAM), the connection window's (stream 0) are
 * connection errors (GOAWAY).
 */
export function flowError(streamId: number, code: number, message: string): H2Error {
  return streamId === 0 ? H2Error.connection(code, message) : H2Error.stream(streamId, code, message);
}

/**
 * The window for data *we send* on a stream or on the connection (stream 0):
 * how many DATA payload bytes the peer still allows (RFC 9113 §5.2, §6.9).
 *
 * `available` may be negative after the peer lowers SETTINGS_INITIAL_WINDOW_SIZE
 * (§6.9.2: "the sender MUST NOT send new flow-controlled frames until it
 * receives WINDOW_UPDATE frames that cause the flow-control window to become
 * positive"). Integer arithmetic only; stays within ±2^32, far inside the safe
 * integer range. No allocation except on the error path.
 */
export class SendWindow {
  private w: number;

  /**
   * @param streamId 0 for the connection window, else the stream's id (decides error scope).
   * @param initial the starting window: 65535 for the connection (§6.9.2), the
   *   peer's SETTINGS_INITIAL_WINDOW_SIZE for a stream.
   * @param glitchCounter incremented for each peer-caused stream-scope error.
   */
  constructor(
    readonly streamId: number,
    initial: number,
    private readonly glitchCounter?: GlitchCounter,
  ) {
    this.w = initial;
  }

  /** Bytes of DATA payload we may send now; may be ≤ 0. */
  get available(): number {
    return this.w;
  }

  /**
   * Records that `n` bytes of DATA payload (padding included) were sent.
   * Throws RangeError if `n` exceeds the window: that is a bug in the caller
   * (the scheduler never offers more than the window), not a peer error.
   */
  consume(n: number): void {
    if (n < 0 || n > this.w) throw new RangeError(`SendWindow(${this.streamId}).consume(${n}) with ${this.w} available`);
    this.w -= n;
  }

  /**
   * Applies a received WINDOW_UPDATE `increment` (§6.9). Returns an error and
   * leaves the window unchanged if:
   * - `increment` is 0: PROTOCOL_ERROR (§6.9: "A receiver MUST treat the receipt
   *   of a WINDOW_UPDATE frame with a flow-control window increment of 0 as a
   *   stream error of type PROTOCOL_ERROR; errors on the connection
   *   flow-control window MUST be treated as a connection error");
   * - the window would exceed 2^31−1: FLOW_CONTROL_ERROR (§6.9.1: the sender
   *   "MUST terminate either the stream or the connection, as appropriate").
   * Both are counted as glitches (SECURITY #9, #17).
   */
  increase(increment: number): H2Error | undefined {
    if (increment === 0) {
      if (this.glitchCounter) this.glitchCounter.glitches++;
      return flowError(this.streamId, ErrorCode.PROTOCOL_ERROR, `WINDOW_UPDATE with increment 0 on stream ${this.streamId} (§6.9)`);
    }
    if (this.w + increment > MAX_WINDOW_SIZE) {
      if (this.glitchCounter) this.glitchCounter.glitches++;
      return flowError(
        this.streamId,
        ErrorCode.FLOW_CONTROL_ERROR,
        `WINDOW_UPDATE of ${increment} on stream ${this.streamId} would make the window ${this.w + increment} > 2^31-1 (§6.9.1)`,
      );
    }
    this.w += increment;
    return undefined;
  }

  /**
   * Applies a change of the peer's SETTINGS_INITIAL_WINDOW_SIZE (`new − old`)
   * to a stream window (§6.9.2: "the receiver MUST adjust the size of all stream
   * flow-control windows that it maintains by the difference"). The window may
   * go negative. Exceeding 2^31−1 is a connection FLOW_CONTROL_ERROR (§6.9.2:
   * "An endpoint MUST treat a change to SETTINGS_INITIAL_WINDOW_SIZE that
   * causes any flow-control window to exceed the maximum size as a connection
   * error"). The connection window is not affected by the setting (§6.9.2), so
   * on stream 0 this is a no-op.
   */
  applyInitialWindowDelta(delta: number): H2Error | undefined {
    if (this.streamId === 0) return undefined;
    if (this.w + delta > MAX_WINDOW_SIZE) {
      return H2Error.connection(
        ErrorCode.FLOW_CONTROL_ERROR,
        `SETTINGS_INITIAL_WINDOW_SIZE change of ${delta} makes stream ${this.streamId}'s window ${this.w + delta} > 2^31-1 (§6.9.2)`,
      );
    }
    this.w += delta;
    return undefined;
  }
}
