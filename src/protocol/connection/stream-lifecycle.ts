/**
 * How streams start and end in the core: client requests waiting for a
 * stream slot and started when one frees, END_STREAM sent once a stream's
 * data is out, and the closing bookkeeping (`streamClosed` once, queues
 * dropped, unread DATA refunded).
 * @packageDocumentation
 */
import { ErrorCode } from '../error-code';
import { SendWindow } from '../flow/send-window';
import type { DataFrame } from '../frames/data';
import { FrameType } from '../frames/frame-type';
import { isClosed, StreamInput, StreamState, transition } from '../streams/stream-state';
import type { ConnectionContext } from './connection-context';
import type { StreamRecord } from './core-stream';
import type { CloseInitiator } from './events';
import { emit, emitHeaders, EMPTY, refundConnection } from './frame-output';

const S = StreamState;
const I = StreamInput;

/** Reports a stream closed (once): forgets it, drops its queue, refunds what it will never read. */
export function finish(c: ConnectionContext, s: StreamRecord, code: number, initiator: CloseInitiator): void {
  if (s.closeReported) return;
  s.closeReported = true;
  if (s.id !== 0) {
    c.streams.delete(s.id);
    c.closedStreams.add(s.id, s.state, c.clock);
  }
  c.totalQueued -= s.dropQueued();
  s.trailerFields = undefined;
  if (s.recvWindow !== undefined && !s.recvRefunded) {
    // A closed stream's unread DATA is refunded to the connection window:
    // after a reset nobody will read it (SECURITY #16); after a normal close
    // it is the application's to keep or drop, and must not starve the
    // other streams' uploads (node:http2 credits the connection on arrival).
    s.recvRefunded = true;
    const n = s.recvWindow.buffered;
    if (n > 0) {
      s.recvWindow.refund(n);
      if (!c.dead) refundConnection(c, n);
      else c.connRecv.refund(n);
    }
  }
  c.events.streamClosed(s, code, initiator);
  if (s.local) maybeStartWaiting(c);
}

/** Closes `s` as not processed by the peer (REFUSED_STREAM semantics, retryable). */
export function closeRefused(c: ConnectionContext, s: StreamRecord, initiator: CloseInitiator): void {
  s.retryable = true;
  s.rstCode = ErrorCode.REFUSED_STREAM;
  c.setState(s, S.CLOSED_REMOTE_RESET);
  finish(c, s, ErrorCode.REFUSED_STREAM, initiator);
}

/** Closes every request still waiting for a stream slot as refused (a GOAWAY went either way). */
export function closeWaiting(c: ConnectionContext, initiator: CloseInitiator): void {
  const waiting = c.waiting;
  const from = c.waitingHead;
  c.waiting = [];
  c.waitingHead = 0;
  for (let i = from; i < waiting.length; i++) {
    const s = waiting[i]!;
    if (!s.closeReported) closeRefused(c, s, initiator);
  }
}

/** Starts waiting requests while the peer's MAX_CONCURRENT_STREAMS allows. */
export function maybeStartWaiting(c: ConnectionContext): void {
  if (c.startingWaiting || c.dead || c.goawayReceivedInfo !== undefined || c.goawaySentInfo !== undefined || c.role !== 'client') return;
  c.startingWaiting = true;
  try {
    while (c.waitingHead < c.waiting.length && c.activeLocal < c.peerMaxConcurrent) {
      const s = c.waiting[c.waitingHead]!;
      c.waiting[c.waitingHead++] = undefined as unknown as StreamRecord;
      if (s.closeReported) continue;
      startRequest(c, s);
      if (s.id !== 0) c.events.streamStarted?.(s);
    }
    if (c.waitingHead === c.waiting.length) {
      c.waiting.length = 0;
      c.waitingHead = 0;
    } else if (c.waitingHead > 1024 && c.waitingHead * 2 > c.waiting.length) {
      c.waiting = c.waiting.slice(c.waitingHead);
      c.waitingHead = 0;
    }
  } finally {
    c.startingWaiting = false;
  }
}

/** Gives a request its id and sends its HEADERS, then whatever was written meanwhile. */
export function startRequest(c: ConnectionContext, s: StreamRecord): void {
  const id = c.ids.allocateLocal();
  if (id === 0) {
    closeRefused(c, s, 'local');
    return;
  }
  s.id = id;
  s.sendWindow = new SendWindow(id, c.remote.initialWindowSize);
  s.recvWindow = c.newRecvWindow(id);
  c.streams.set(id, s);
  const end = s.pendingEndStream;
  c.setState(s, transition(c.roleNum, S.IDLE, end ? I.SEND_HEADERS_END_STREAM : I.SEND_HEADERS).next);
  const fields = s.pendingFields!;
  emitHeaders(c, id, fields, end, s.pendingPriority, s.pendingSensitive);
  s.headersSent = true;
  s.sentHeaders = fields;
  s.pendingFields = undefined;
  s.pendingPriority = undefined;
  s.pendingSensitive = undefined;
  if (s.queuedBytes > 0) c.ready.push(s);
  else if (s.ended && !s.endSent) emitEnd(c, s);
}

/** Sends END_STREAM for `s` whose data is all out: trailers, or an empty DATA frame. */
export function emitEnd(c: ConnectionContext, s: StreamRecord): void {
  if (s.endSent || s.closeReported) return;
  s.endSent = true;
  let input: StreamInput;
  if (s.trailerFields !== undefined) {
    emitHeaders(c, s.id, s.trailerFields, true, undefined, s.trailerSensitive);
    s.sentTrailers = s.trailerFields;
    s.trailerFields = undefined;
    input = I.SEND_HEADERS_END_STREAM;
  } else {
    const frame: DataFrame = { type: FrameType.DATA, streamId: s.id, data: EMPTY, endStream: true, padding: undefined };
    emit(c, frame);
    input = I.SEND_DATA_END_STREAM;
  }
  c.setState(s, transition(c.roleNum, s.state, input).next);
  if (isClosed(s.state)) finish(c, s, 0, 'none');
}
