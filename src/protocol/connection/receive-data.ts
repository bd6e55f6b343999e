/**
 * A received DATA frame (RFC 9113 §6.1): flow control on both windows, the
 * stream state table, content-length, delivery to `events.streamData`. The
 * receive half of the hot path.
 * @packageDocumentation
 */
import { ErrorCode } from '../error-code';
import { flowControlledLength, type DataFrame } from '../frames/data';
import { H2Error } from '../h2-error';
import { isClosed, Outcome, StreamInput, transition } from '../streams/stream-state';
import { canReceiveData, type ConnectionContext } from './connection-context';
import { fail } from './connection-errors';
import { countEmptyDataFrame, emitControl } from './dos-accounting';
import { refundConnection, windowUpdateFrame } from './frame-output';
import { onRejected, peerStreamError } from './stream-errors';
import { finish } from './stream-lifecycle';

const I = StreamInput;

/** Handles a DATA frame. */
export function onData(c: ConnectionContext, f: DataFrame): void {
  const id = f.streamId;
  const len = flowControlledLength(f);
  // §6.9.1: every DATA frame counts against the connection window, whatever its stream.
  const cerr = c.connRecv.receive(len);
  if (cerr !== undefined) return fail(c, cerr);
  c.lastProcStreamId = id;
  const s = c.streams.get(id);
  const state = c.stateOf(id, s);
  const input = f.endStream ? I.RECV_DATA_END_STREAM : I.RECV_DATA;
  const t = transition(c.roleNum, state, input);
  if (t.outcome !== Outcome.OK || s === undefined) {
    // SECURITY #16: DATA nobody will read is refunded to the connection window at once.
    refundConnection(c, len);
    return onRejected(c, t, s, id, state, input);
  }
  if (f.data.length === 0 && !f.endStream && !countEmptyDataFrame(c, len)) return;
  const serr = s.recvWindow.receive(len);
  if (serr !== undefined) {
    refundConnection(c, len);
    return peerStreamError(c, id, s, serr);
  }
  if (f.padding !== undefined) {
    // Padding is flow-controlled (§6.1) but nobody reads it: refund it now.
    const pad = f.padding + 1;
    const inc = s.recvWindow.refund(pad);
    if (inc > 0 && !f.endStream && canReceiveData(s.state)) emitControl(c, windowUpdateFrame(id, inc));
    refundConnection(c, pad);
    if (c.dead) return;
  }
  if (!s.finalReceived) {
    return peerStreamError(c, id, s, H2Error.stream(id, ErrorCode.PROTOCOL_ERROR, `DATA on stream ${id} before the response HEADERS (RFC 9113 §8.1)`));
  }
  const received = (s.receivedLength += f.data.length);
  const expected = s.expectedLength;
  if (expected >= 0 && (received > expected || (f.endStream && received !== expected))) {
    return peerStreamError(c, id, s, H2Error.stream(id, ErrorCode.PROTOCOL_ERROR, `content-length ${expected} but ${received}${f.endStream ? '' : '+'} octets of DATA on stream ${id} (RFC 9113 §8.1.1)`));
  }
  c.setState(s, t.next);
  c.events.streamData(s, f.data, f.endStream);
  if (isClosed(s.state)) finish(c, s, 0, 'none');
}
