/**
 * The budgets a peer draws on by misbehaving or by making us work (DESIGN
 * principle 5, SECURITY.md): frames queued in answer to it, peer-caused
 * stream errors (invalid frames and the glitch rate), stream resets (Rapid
 * Reset), empty DATA frames and streams rejected at creation. Each charge
 * that goes over its budget fails the connection with ENHANCE_YOUR_CALM,
 * naming the limit, and returns false.
 * @packageDocumentation
 */
import { ErrorCode } from '../error-code';
import type { Frame } from '../frames/frame';
import { H2Error } from '../h2-error';
import type { ConnectionContext } from './connection-context';
import { fail } from './connection-errors';
import { emit, refundConnection } from './frame-output';

/**
 * Queues a frame sent in answer to the peer; fails the connection instead
 * when `maxOutboundControlFrames` are already waiting, untaken (SECURITY
 * #1–#3). Returns false when the connection failed.
 */
export function emitControl(c: ConnectionContext, frame: Frame): boolean {
  if (c.dead) return false;
  if (c.out.control >= c.limits.maxOutboundControlFrames) {
    fail(
      c,
      H2Error.connection(
        ErrorCode.ENHANCE_YOUR_CALM,
        `more than ${c.limits.maxOutboundControlFrames} frames queued in answer to the peer while output is not taken (SECURITY #1-#3)`,
        'maxOutboundControlFrames',
      ),
    );
    return false;
  }
  c.out.control++;
  emit(c, frame);
  return true;
}

/** Counts one peer-caused stream error; false (and the connection failed) when a budget is exhausted. */
export function countPeerError(c: ConnectionContext): boolean {
  if (c.dead) return false;
  if (++c.invalidFrames > c.limits.maxSessionInvalidFrames) {
    fail(c, H2Error.connection(ErrorCode.ENHANCE_YOUR_CALM, `more than ${c.limits.maxSessionInvalidFrames} invalid frames from the peer`, 'maxSessionInvalidFrames'));
    return false;
  }
  if (!c.glitchBucket.take(c.clock)) {
    fail(
      c,
      H2Error.connection(
        ErrorCode.ENHANCE_YOUR_CALM,
        `peer-caused stream errors above ${c.limits.glitchBurst} + ${c.limits.glitchRate}/s (SECURITY #9, MadeYouReset)`,
        'glitchRate',
      ),
    );
    return false;
  }
  return true;
}

/** Charges the peer's reset of a stream we had started handling (SECURITY #8, Rapid Reset). */
export function chargeStreamReset(c: ConnectionContext): boolean {
  if (c.resetBucket.take(c.clock)) return true;
  fail(
    c,
    H2Error.connection(
      ErrorCode.ENHANCE_YOUR_CALM,
      `stream resets above ${c.limits.streamResetBurst} + ${c.limits.streamResetRate}/s (SECURITY #8, Rapid Reset)`,
      'streamResetRate',
    ),
  );
  return false;
}

/**
 * Counts an empty DATA frame without END_STREAM (SECURITY #4, CVE-2019-9518).
 * Over the budget, the frame's `length` flow-controlled octets are refunded
 * to the connection window before the connection fails.
 */
export function countEmptyDataFrame(c: ConnectionContext, length: number): boolean {
  if (++c.emptyDataFrames <= c.limits.maxEmptyDataFrames) return true;
  refundConnection(c, length);
  fail(c, H2Error.connection(ErrorCode.ENHANCE_YOUR_CALM, `more than ${c.limits.maxEmptyDataFrames} empty DATA frames (SECURITY #4, CVE-2019-9518)`, 'maxEmptyDataFrames'));
  return false;
}

/** Counts a peer stream rejected at creation; `message` says why the last one was (SECURITY #3, #13). */
export function countRejectedStream(c: ConnectionContext, message: string): boolean {
  if (++c.rejectedStreams <= c.limits.maxSessionRejectedStreams) return true;
  fail(
    c,
    H2Error.connection(
      ErrorCode.ENHANCE_YOUR_CALM,
      `more than ${c.limits.maxSessionRejectedStreams} streams rejected at creation; last: ${message} (SECURITY #3, #13)`,
      'maxSessionRejectedStreams',
    ),
  );
  return false;
}
