import { ErrorCode } from '../error-code';
import { MAX_WINDOW_SIZE } from '../frames/frame-type';
import { H2Error } from '../h2-error';
import { flowError, type GlitchCounter } from './send-window';

/**
 * Default fraction of the target window that must be consumed (or refunded)
 * but not yet announced before a WINDOW_UPDATE is produced: 1/2, as nghttp2
 * and hyperium do. Batching keeps WINDOW_UPDATEs to about two per window of
 * data (instead of one per DATA frame, which a peer could exploit with tiny
 * or padded frames), while the peer never sees its window drop below half of
 * the target as long as we keep reading, so a sender is not stalled.
 */
export const DEFAULT_UPDATE_FRACTION = 0.5;

/**
 * Default upper bound of auto-tuning: 8 MiB. Below Node's default
 * `maxSessionMemory` (10 MB, SECURITY #11), so auto-tuning alone cannot make
 * the bytes a peer may have buffered at us exceed the session memory cap.
 */
export const DEFAULT_AUTOTUNE_MAX_WINDOW = 8 * 1024 * 1024;

/** Options of {@link RecvWindow}. */
export interface RecvWindowOptions {
  /**
   * Announce credit once at least `ceil(target × updateFraction)` bytes are
   * owed to the peer; in (0, 1]. Default {@link DEFAULT_UPDATE_FRACTION}.
   */
  updateFraction?: number;
  /**
   * Grow the target when the consumer drains a full window within two RTTs
   * (BDP auto-tuning, see {@link RecvWindow.consumed}). Default false.
   */
  autoTune?: boolean;
  /** Largest target auto-tuning may reach; default {@link DEFAULT_AUTOTUNE_MAX_WINDOW}. */
  maxWindow?: number;
  /** Initial round-trip-time estimate in input-clock units (0 = unknown, no tuning). */
  rtt?: number;
  /** Input-clock time the window is created at: the start of the first auto-tuning epoch. Default 0. */
  now?: number;
  /** Incremented for each peer-caused stream-scope error. */
  glitchCounter?: GlitchCounter;
}

/**
 * The window for data *the peer sends us*, on a stream or on the connection
 * (stream 0) (RFC 9113 §5.2, §6.9).
 *
 * Backpressure (DESIGN principle 4): received DATA is `buffered` until the
 * consumer reports it read it ({@link consumed}); only then is the credit
 * owed back to the peer, and a WINDOW_UPDATE increment is produced once the
 * owed credit reaches the threshold. A consumer that stops reading stops the
 * peer within one target window.
 *
 * Invariant while the target is unchanged: `window + buffered + owed = target`,
 * where `window` is the credit the peer still has and `owed` the credit not yet
 * announced. All integers ≤ 2^31−1; no allocation except on the error path.
 */
export class RecvWindow {
  private w: number;
  private held = 0;
  private tgt: number;
  private threshold = 1;
  private readonly fraction: number;
  private readonly autoTune: boolean;
  private readonly maxWindow: number;
  private readonly glitchCounter: GlitchCounter | undefined;
  private epochStart = 0;
  private epochBytes = 0;
  /** Round-trip-time estimate used by auto-tuning (input-clock units); the core updates it from PINGs. */
  rtt: number;

  /**
   * @param streamId 0 for the connection window, else the stream's id (decides error scope).
   * @param initial the window the peer starts with: 65535 for the connection
   *   (§6.9.2), our SETTINGS_INITIAL_WINDOW_SIZE for a stream. Also the initial target.
   * @param options see {@link RecvWindowOptions}.
   */
  constructor(
    readonly streamId: number,
    initial: number,
    options: RecvWindowOptions = {},
  ) {
    this.w = initial;
    this.tgt = initial;
    const f = options.updateFraction ?? DEFAULT_UPDATE_FRACTION;
    if (!(f > 0 && f <= 1)) throw new RangeError(`updateFraction must be in (0, 1], got ${f}`);
    this.fraction = f;
    this.autoTune = options.autoTune ?? false;
    this.maxWindow = Math.min(MAX_WINDOW_SIZE, options.maxWindow ?? DEFAULT_AUTOTUNE_MAX_WINDOW);
    this.rtt = options.rtt ?? 0;
    this.epochStart = options.now ?? 0;
    this.glitchCounter = options.glitchCounter;
    this.updateThreshold();
  }

  /** Credit the peer still has: bytes it may send before the next WINDOW_UPDATE. May be negative. */
  get window(): number {
    return this.w;
  }

  /** Bytes received and not yet consumed or refunded. */
  get buffered(): number {
    return this.held;
  }

  /** The window size we aim to give the peer (Node's "local window size"). */
  get target(): number {
    return this.tgt;
  }

  /** Credit owed to the peer but not yet announced (0 if none). */
  get owed(): number {
    const gap = this.tgt - this.held - this.w;
    return gap > 0 ? gap : 0;
  }

  /**
   * Charges a received DATA frame: `length` is the whole frame payload,
   * padding and Pad Length byte included (§6.9.1: "the entire DATA frame
   * payload is included in flow control"). More than the window is a
   * FLOW_CONTROL_ERROR (§6.9.1: "A receiver MAY respond with a stream error or
   * connection error of type FLOW_CONTROL_ERROR if it is unable to accept a
   * frame"), stream scope for a stream window (counted as a glitch), connection
   * scope for the connection window; the window is left unchanged.
   *
   * The core charges the connection window first; if the stream window then
   * rejects the frame, or the stream is closed/unknown, or the frame is padded,
   * it must {@link refund} those bytes on the connection window (SECURITY #16).
   */
  receive(length: number): H2Error | undefined {
    if (length > this.w) {
      if (this.streamId !== 0 && this.glitchCounter) this.glitchCounter.glitches++;
      return flowError(
        this.streamId,
        ErrorCode.FLOW_CONTROL_ERROR,
        `DATA of ${length} bytes exceeds the receive window of ${this.w} on stream ${this.streamId} (§6.9.1)`,
      );
    }
    this.w -= length;
    this.held += length;
    return undefined;
  }

  /**
   * The consumer read `n` buffered bytes (DESIGN principle 4: credit only on
   * reads). Returns the WINDOW_UPDATE increment to send now, or 0 while the
   * owed credit is below the threshold. `now` (input clock) drives auto-tuning.
   *
   * Auto-tuning (option `autoTune`): bytes consumed are counted in epochs of one
   * target window, back to back (an epoch starts when the previous one ended,
   * the first when the window was made); if an epoch completes within 2 ×
   * `rtt`, the sender must have been waiting on our window (it can send one
   * window per RTT), i.e. the bandwidth-delay product exceeds the window, so
   * the target doubles, up to `maxWindow`. (Chromium QUIC's receive-window
   * auto-tuning uses the same 2 × RTT test.) Growth is driven by consumption,
   * so a slow consumer never makes the window grow — not even one that pauses
   * and then reads everything buffered at once, since its epoch spans the
   * pause: backpressure still holds.
   *
   * Throws RangeError if `n` exceeds what is buffered (a caller bug).
   */
  consumed(n: number, now = 0): number {
    if (n < 0 || n > this.held) throw new RangeError(`RecvWindow(${this.streamId}).consumed(${n}) with ${this.held} buffered`);
    this.held -= n;
    if (this.autoTune && n > 0) this.tune(n, now);
    return this.flushIfDue();
  }

  /**
   * Auto-tuning: sets the RTT estimate and starts a fresh epoch at `now` (as
   * the `rtt` and `now` options do at construction), for a caller that shares
   * one options object between many windows.
   */
  startTuning(now: number, rtt: number): void {
    this.rtt = rtt;
    this.epochStart = now;
    this.epochBytes = 0;
  }

  /**
   * Credits back `n` buffered bytes that no consumer will read: padding, DATA
   * on streams that are reset, closed, refused or unknown, and a discarded
   * stream's unread buffer (SECURITY #16: flow-control refunds, so the
   * connection window never leaks). Same threshold as {@link consumed}, so
   * padded or discarded frames cannot make us emit a WINDOW_UPDATE per frame.
   * Throws RangeError if `n` exceeds what is buffered.
   */
  refund(n: number): number {
    if (n < 0 || n > this.held) throw new RangeError(`RecvWindow(${this.streamId}).refund(${n}) with ${this.held} buffered`);
    this.held -= n;
    return this.flushIfDue();
  }

  /**
   * Announces all owed credit now, regardless of the threshold (e.g. when the
   * core flushes on an idle tick). Returns the increment, 0 if none.
   */
  flush(): number {
    const gap = this.tgt - this.held - this.w;
    if (gap <= 0) return 0;
    this.w += gap;
    return gap;
  }

  /**
   * Announces owed credit if it has reached the threshold, as {@link consumed}
   * would, without a read. The core calls it after applying a decrease of our
   * SETTINGS_INITIAL_WINDOW_SIZE: the window may then be far below the new
   * target while the consumer has already read everything, and with no read
   * to come the peer would wait forever. Returns the increment, 0 if none.
   */
  update(): number {
    return this.flushIfDue();
  }

  /**
   * Node's `http2session.setLocalWindowSize(windowSize)`: sets the target to the
   * total `size` (not a delta). Growing returns the increment to send now (the
   * peer gets `size − buffered` credit in total); shrinking sends nothing and
   * makes future updates smaller until the peer's credit has fallen under the
   * new target (credit already granted cannot be taken back, §6.9.1).
   * Throws RangeError (Node: ERR_OUT_OF_RANGE) unless 0 ≤ size ≤ 2^31−1.
   */
  setLocalWindowSize(size: number): number {
    if (!Number.isInteger(size) || size < 0 || size > MAX_WINDOW_SIZE) {
      throw new RangeError(`window size must be an integer in [0, 2^31-1], got ${size}`);
    }
    this.tgt = size;
    this.updateThreshold();
    return this.flush();
  }

  /**
   * Applies a change of *our* SETTINGS_INITIAL_WINDOW_SIZE (`new − old`) to a
   * stream window and its target (§6.9.2); the window may go negative. On the
   * connection window (stream 0) it is a no-op. Exceeding 2^31−1 is a
   * connection FLOW_CONTROL_ERROR (§6.9.2).
   *
   * Timing is the core's choice: the peer applies the change when it processes
   * our SETTINGS, so an increase is best applied when sent and a decrease when
   * acknowledged (otherwise data sent in between is wrongly rejected).
   */
  applyInitialWindowDelta(delta: number): H2Error | undefined {
    if (this.streamId === 0) return undefined;
    if (this.w + delta > MAX_WINDOW_SIZE || this.tgt + delta > MAX_WINDOW_SIZE) {
      return H2Error.connection(
        ErrorCode.FLOW_CONTROL_ERROR,
        `SETTINGS_INITIAL_WINDOW_SIZE change of ${delta} makes stream ${this.streamId}'s receive window exceed 2^31-1 (§6.9.2)`,
      );
    }
    this.w += delta;
    const t = this.tgt + delta;
    this.tgt = t > 0 ? t : 0;
    this.updateThreshold();
    return undefined;
  }

  private flushIfDue(): number {
    const gap = this.tgt - this.held - this.w;
    if (gap < this.threshold) return 0;
    this.w += gap;
    return gap;
  }

  private tune(n: number, now: number): void {
    this.epochBytes += n;
    if (this.epochBytes < this.tgt) return;
    if (this.rtt > 0 && this.tgt < this.maxWindow && now - this.epochStart < 2 * this.rtt) {
      const doubled = this.tgt * 2;
      this.tgt = doubled < this.maxWindow ? doubled : this.maxWindow;
      this.updateThreshold();
    }
    this.epochBytes = 0;
    this.epochStart = now;
  }

  private updateThreshold(): void {
    const t = Math.ceil(this.tgt * this.fraction);
    this.threshold = t > 1 ? t : 1;
  }
}
