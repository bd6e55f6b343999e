/**
 * Received control frames other than SETTINGS: RST_STREAM (§6.4),
 * WINDOW_UPDATE (§6.9), PING (§6.7) and GOAWAY (§6.8).
 * @packageDocumentation
 */
import { ErrorCode } from '../error-code';
import { FrameType } from '../frames/frame-type';
import type { GoawayFrame } from '../frames/goaway';
import type { PingFrame } from '../frames/ping';
import type { RstStreamFrame } from '../frames/rst-stream';
import type { WindowUpdateFrame } from '../frames/window-update';
import { Outcome, StreamInput, transition } from '../streams/stream-state';
import type { ConnectionContext } from './connection-context';
import { fail } from './connection-errors';
import { chargeStreamReset, emitControl } from './dos-accounting';
import { onRejected, peerStreamError } from './stream-errors';
import { closeRefused, closeWaiting, finish } from './stream-lifecycle';

const I = StreamInput;

/** Handles RST_STREAM: the stream closes as reset by the peer. */
export function onRstStream(c: ConnectionContext, f: RstStreamFrame): void {
  const id = f.streamId;
  const s = c.streams.get(id);
  if (s === undefined) {
    const state = c.stateOf(id, s);
    const t = transition(c.roleNum, state, I.RECV_RST_STREAM);
    if (t.outcome !== Outcome.OK) onRejected(c, t, s, id, state, I.RECV_RST_STREAM);
    return;
  }
  // SECURITY #8 Rapid Reset: resets of streams we had started handling are rate-limited.
  if (s.handled && !chargeStreamReset(c)) return;
  const t = transition(c.roleNum, s.state, I.RECV_RST_STREAM);
  if (t.outcome !== Outcome.OK) return onRejected(c, t, s, id, s.state, I.RECV_RST_STREAM);
  s.rstCode = f.errorCode;
  if (f.errorCode === ErrorCode.REFUSED_STREAM && s.local) s.retryable = true;
  c.setState(s, t.next);
  finish(c, s, f.errorCode, 'remote');
}

/** Handles WINDOW_UPDATE: more send window for the connection or a stream, which may then have DATA to send. */
export function onWindowUpdate(c: ConnectionContext, f: WindowUpdateFrame): void {
  const id = f.streamId;
  if (id === 0) {
    const e = c.connSend.increase(f.increment);
    if (e !== undefined) fail(c, e);
    return;
  }
  const s = c.streams.get(id);
  const state = c.stateOf(id, s);
  const t = transition(c.roleNum, state, I.RECV_WINDOW_UPDATE);
  if (t.outcome !== Outcome.OK || s === undefined) return onRejected(c, t, s, id, state, I.RECV_WINDOW_UPDATE);
  const e = s.sendWindow.increase(f.increment);
  if (e !== undefined) return peerStreamError(c, id, s, e);
  if (s.queuedBytes > 0 && s.headersSent) c.ready.push(s);
}

/** Handles PING: the ACK of ours (a round-trip time), or the peer's, answered. */
export function onPing(c: ConnectionContext, f: PingFrame): void {
  if (f.ack) {
    const sentAt = c.pings.ack(f.payload);
    if (sentAt === undefined) return;
    const rtt = c.clock - sentAt;
    c.rttFromPing = true;
    c.setRtt(rtt);
    c.events.pingAck(f.payload.slice(), rtt);
    return;
  }
  const payload = f.payload.slice();
  if (!emitControl(c, { type: FrameType.PING, streamId: 0, ack: true, payload })) return;
  c.events.ping(payload);
}

/** Handles GOAWAY: our streams the peer will not process close as refused, and no new ones start. */
export function onGoaway(c: ConnectionContext, f: GoawayFrame): void {
  const prev = c.goawayReceivedInfo;
  const last = prev !== undefined && prev.lastStreamId < f.lastStreamId ? prev.lastStreamId : f.lastStreamId;
  const debug = f.debugData.slice();
  c.goawayReceivedInfo = { lastStreamId: last, code: f.errorCode, debugData: debug };
  // §6.8: our streams above `last` were not processed and may be retried (§8.7).
  for (const s of Array.from(c.streams.values())) {
    if (s.local && s.id > last && !s.closeReported) closeRefused(c, s, 'remote');
  }
  closeWaiting(c, 'remote');
  c.events.goaway(last, f.errorCode, debug, 'remote');
}
