/**
 * The commands on the connection as a whole behind `Connection`'s methods of
 * the same names (documented there): PING, SETTINGS, GOAWAY, the connection
 * receive window, ALTSVC and ORIGIN, and the end of the transport.
 * @packageDocumentation
 */
import { ErrorCode } from '../error-code';
import type { AltsvcFrame } from '../frames/altsvc';
import { FrameType } from '../frames/frame-type';
import type { GoawayFrame } from '../frames/goaway';
import type { OriginFrame } from '../frames/origin';
import { PING_PAYLOAD_LENGTH, type PingFrame } from '../frames/ping';
import type { H2Error } from '../h2-error';
import { StreamState } from '../streams/stream-state';
import type { ConnectionContext } from './connection-context';
import { checkOpen, userError } from './connection-errors';
import { emit, emitWindowUpdate } from './frame-output';
import { sendSettings } from './settings-exchange';
import { closeWaiting, finish } from './stream-lifecycle';

/** `Connection.transportClosed()`. */
export function transportClosed(c: ConnectionContext, cause: H2Error | undefined): void {
  if (c.dead) return;
  c.dead = true;
  c.assembly.clear();
  c.pendingDecoderError = undefined;
  for (const s of c.takeEveryStream()) {
    if (s.closeReported) continue;
    // Still waiting for a stream slot: never sent.
    if (s.id === 0) s.retryable = true;
    if (cause !== undefined && s.error === undefined) s.error = cause;
    c.setState(s, StreamState.CLOSED_LOCAL_RESET);
    finish(c, s, ErrorCode.CANCEL, 'local');
  }
  // Nothing can be sent any more.
  c.out.take();
  if (cause !== undefined) c.events.error(cause);
}

/** `Connection.altsvc()`. */
export function altsvc(c: ConnectionContext, streamId: number, origin: string, value: string): void {
  checkOpen(c);
  if (c.role !== 'server') throw userError('ALTSVC is sent by servers (RFC 7838 §4)');
  if ((streamId === 0) !== (origin.length > 0)) {
    throw userError('ALTSVC carries an origin exactly when sent on stream 0 (RFC 7838 §4)');
  }
  const frame: AltsvcFrame = { type: FrameType.ALTSVC, streamId, origin, fieldValue: value };
  emit(c, frame);
}

/** `Connection.origin()`. */
export function origin(c: ConnectionContext, origins: string[]): void {
  checkOpen(c);
  if (c.role !== 'server') throw userError('ORIGIN is sent by servers (RFC 8336 §2)');
  const frame: OriginFrame = { type: FrameType.ORIGIN, streamId: 0, origins };
  emit(c, frame);
}

/** `Connection.ping()`. */
export function ping(c: ConnectionContext, payload: Uint8Array | undefined): boolean {
  checkOpen(c);
  const p = payload === undefined ? c.pings.nextPayload() : payload.slice();
  if (p.length !== PING_PAYLOAD_LENGTH) throw userError(`a PING payload is 8 octets, got ${p.length} (RFC 9113 §6.7)`);
  if (!c.pings.send(p, c.clock)) return false;
  const frame: PingFrame = { type: FrameType.PING, streamId: 0, ack: false, payload: p };
  emit(c, frame);
  return true;
}

/** `Connection.settings()`. */
export function settings(c: ConnectionContext, entries: ReadonlyArray<readonly [number, number]>): void {
  checkOpen(c);
  if (c.local.pendingCount >= c.limits.maxOutstandingSettings) {
    throw userError(`${c.local.pendingCount} SETTINGS frames already await acknowledgement (maxOutstandingSettings)`);
  }
  sendSettings(c, entries);
}

/** `Connection.goaway()`. */
export function goaway(c: ConnectionContext, code: number, lastStreamId: number | undefined, debugData: Uint8Array): void {
  checkOpen(c);
  let last = lastStreamId ?? c.lastAcceptedRemote;
  // §6.8: endpoints MUST NOT increase the last stream identifier they send.
  if (c.goawaySentInfo !== undefined && last > c.goawaySentInfo.lastStreamId) last = c.goawaySentInfo.lastStreamId;
  const debug = debugData.slice();
  const frame: GoawayFrame = { type: FrameType.GOAWAY, streamId: 0, lastStreamId: last, errorCode: code, debugData: debug };
  emit(c, frame);
  c.goawaySentInfo = { lastStreamId: last, code, debugData: debug };
  // Our requests still waiting for a stream slot never leave now: refused, safe to retry elsewhere.
  closeWaiting(c, 'local');
  for (const s of Array.from(c.streams.values())) {
    if (!s.local && s.id > last && !s.closeReported) {
      s.retryable = true;
      s.rstCode = ErrorCode.REFUSED_STREAM;
      c.setState(s, StreamState.CLOSED_LOCAL_RESET);
      finish(c, s, ErrorCode.REFUSED_STREAM, 'local');
    }
  }
  c.events.goaway(last, code, debug, 'local');
}

/**
 * After the peer's GOAWAY, once its last stream is done and we are about to
 * close: our own GOAWAY(NO_ERROR) first. §6.8: "Endpoints SHOULD always send
 * a GOAWAY frame before closing a connection so that the remote peer can know
 * whether a stream has been partially processed or not" — its last stream id
 * tells the peer which of its streams we took. Called as the output is taken,
 * so that it is the last frame of it (node:http2 sends it too).
 */
export function answerGoawayBeforeClosing(c: ConnectionContext): void {
  if (c.dead || c.goawaySentInfo !== undefined || c.goawayReceivedInfo === undefined) return;
  if (c.streams.size !== 0 || c.waitingHead !== c.waiting.length) return;
  goaway(c, ErrorCode.NO_ERROR, undefined, new Uint8Array(0));
}

/** `Connection.setLocalWindowSize()`. */
export function setLocalWindowSize(c: ConnectionContext, size: number): void {
  checkOpen(c);
  let inc: number;
  try {
    inc = c.connRecv.setLocalWindowSize(size);
  } catch (e) {
    throw userError((e as Error).message);
  }
  if (inc > 0) emitWindowUpdate(c, 0, inc);
}
