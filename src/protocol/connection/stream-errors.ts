/**
 * How the core answers a received frame that the stream state table or a
 * stream-level check rejects (§5.1, §5.4): a connection error, a stream error
 * (RST_STREAM, counted against the peer's budgets), or nothing.
 * @packageDocumentation
 */
import type { H2Error } from '../h2-error';
import { Outcome, StreamState, transitionError, type StreamInput, type Transition } from '../streams/stream-state';
import type { ConnectionContext } from './connection-context';
import { fail } from './connection-errors';
import type { StreamRecord } from './core-stream';
import { countPeerError, emitControl } from './dos-accounting';
import { rstStreamFrame } from './frame-output';
import { finish } from './stream-lifecycle';

/**
 * A stream error caused by the peer (§5.4.2): RST_STREAM(code), the stream
 * (if active) closed as reset by us, and the error counted against
 * `maxSessionInvalidFrames` and the glitch budget (SECURITY #9).
 */
export function peerStreamError(c: ConnectionContext, id: number, s: StreamRecord | undefined, err: H2Error): void {
  if (c.dead) return;
  emitControl(c, rstStreamFrame(id, err.code));
  if (c.dead) return;
  if (s !== undefined && !s.closeReported) {
    s.error = err;
    s.rstCode = err.code;
    c.setState(s, StreamState.CLOSED_LOCAL_RESET);
    finish(c, s, err.code, 'local');
  }
  countPeerError(c);
}

/** Acts on a non-OK table cell for a received frame. */
export function onRejected(c: ConnectionContext, t: Transition, s: StreamRecord | undefined, id: number, state: StreamState, input: StreamInput): void {
  if (t.outcome === Outcome.CONNECTION_ERROR) fail(c, transitionError(t, id, state, input));
  else if (t.outcome === Outcome.STREAM_ERROR) peerStreamError(c, id, s, transitionError(t, id, state, input));
  // IGNORE: §5.1 "minimally process and then discard"
}
