/**
 * Where the frame decoder's output enters the core: each frame checked
 * against the connection phase (`frameGate`) and handed to the handler of its
 * type; the decoder's own errors answered as connection or stream errors.
 * @packageDocumentation
 */
import { ErrorCode } from '../error-code';
import type { Frame } from '../frames/frame';
import { FrameType } from '../frames/frame-type';
import { H2Error } from '../h2-error';
import { StreamState } from '../streams/stream-state';
import type { ConnectionContext } from './connection-context';
import { fail } from './connection-errors';
import { refundConnection } from './frame-output';
import { frameGate, FramePhase } from './frame-gate';
import { onGoaway, onPing, onRstStream, onWindowUpdate } from './receive-control';
import { onData } from './receive-data';
import { onContinuation, onHeaders, onPushPromise } from './receive-headers';
import { onSettings } from './settings-exchange';
import { peerStreamError } from './stream-errors';

/** An error the frame decoder reports (the frame, if any, dropped). */
export function onDecodeError(c: ConnectionContext, error: H2Error, flowControlled = 0): void {
  if (error.scope === 'connection') return fail(c, error);
  if (flowControlled > 0) {
    // §6.9: a flow-controlled frame counts against the connection window even when dropped with a
    // stream error (the peer counted it), and nobody will read it: charged, then refunded at once.
    const overflow = c.connRecv.receive(flowControlled);
    if (overflow !== undefined) return fail(c, overflow);
    refundConnection(c, flowControlled);
    if (c.dead) return;
  }
  // A frame that was dropped with a stream error still breaks the connection-phase rules.
  if (!c.remoteSettingsSeen) return fail(c, H2Error.connection(ErrorCode.PROTOCOL_ERROR, `${error.message}; and the first frame must be SETTINGS (RFC 9113 §3.4)`));
  if (c.assembly.active) {
    return fail(c, H2Error.connection(ErrorCode.PROTOCOL_ERROR, `${error.message}; inside a header block (RFC 9113 §4.3)`));
  }
  // Held until the next frame: a self-dependent HEADERS is reported and then delivered (see FrameDecoder).
  flushDecoderError(c);
  c.pendingDecoderError = error;
}

/** Answers the decoder's stream error held by {@link onDecodeError}, if any (the input chunk ended). */
export function flushDecoderError(c: ConnectionContext): void {
  const e = c.pendingDecoderError;
  if (e === undefined) return;
  c.pendingDecoderError = undefined;
  decoderStreamError(c, e);
}

/**
 * A frame the decoder dropped with a stream error (oversize, bad PRIORITY
 * length, self-dependency, zero WINDOW_UPDATE increment), answered by the
 * stream's state like any frame on it:
 * - idle: RST_STREAM cannot name an idle stream (§6.4: "RST_STREAM frames
 *   MUST NOT be sent for a stream in the idle state"), so it is a connection
 *   error of the same code (§5.4.1 lets a stream error be escalated);
 * - closed by our RST_STREAM: "An endpoint MUST ignore frames that it
 *   receives on closed streams after it has sent a RST_STREAM frame" (§5.1);
 * - otherwise: RST_STREAM (§5.4.2).
 */
function decoderStreamError(c: ConnectionContext, e: H2Error): void {
  const id = e.streamId;
  const s = c.streams.get(id);
  const state = c.stateOf(id, s);
  if (state === StreamState.IDLE) {
    return fail(c, H2Error.connection(e.code, `${e.message}; on idle stream ${id}, which RST_STREAM cannot name (RFC 9113 §6.4)`, e.limit));
  }
  if (state === StreamState.CLOSED_LOCAL_RESET) return;
  peerStreamError(c, id, s, e);
}

/** A frame from the decoder. */
export function onFrame(c: ConnectionContext, frame: Frame): void {
  let selfDependent = false;
  const pending = c.pendingDecoderError;
  if (pending !== undefined) {
    c.pendingDecoderError = undefined;
    if (
      frame.unknown !== true &&
      frame.type === FrameType.HEADERS &&
      frame.streamId === pending.streamId &&
      frame.priority !== undefined &&
      frame.priority.dependsOn === frame.streamId
    ) {
      selfDependent = true;
    } else {
      decoderStreamError(c, pending);
      if (c.dead) return;
    }
  }
  const tap = c.events.frame;
  if (tap !== undefined) tap.call(c.events, frame, 'in');
  const phase = !c.remoteSettingsSeen
    ? FramePhase.AWAITING_SETTINGS
    : c.assembly.active
      ? FramePhase.IN_HEADER_BLOCK
      : FramePhase.OPEN;
  const rule = frameGate(phase, frame.type, frame.unknown === true);
  if (rule !== undefined) return fail(c, H2Error.connection(ErrorCode.PROTOCOL_ERROR, `frame of type 0x${frame.type.toString(16)} on stream ${frame.streamId}: ${rule}`));
  if (frame.unknown === true) {
    c.events.unknownFrame?.(frame);
    return;
  }
  switch (frame.type) {
    case FrameType.DATA:
      return onData(c, frame);
    case FrameType.HEADERS:
      return onHeaders(c, frame, selfDependent);
    case FrameType.PRIORITY:
      return; // §5.3.2: no priority tree; the decoder already rejected a self-dependency (SECURITY #12: O(1)).
    case FrameType.RST_STREAM:
      return onRstStream(c, frame);
    case FrameType.SETTINGS:
      return onSettings(c, frame);
    case FrameType.PUSH_PROMISE:
      return onPushPromise(c, frame);
    case FrameType.PING:
      return onPing(c, frame);
    case FrameType.GOAWAY:
      return onGoaway(c, frame);
    case FrameType.WINDOW_UPDATE:
      return onWindowUpdate(c, frame);
    case FrameType.CONTINUATION:
      return onContinuation(c, frame);
    case FrameType.ALTSVC:
      // RFC 7838 §4: a server receiving ALTSVC MUST ignore it.
      if (c.role === 'client') c.events.altsvc?.(frame.streamId, frame.origin, frame.fieldValue);
      return;
    case FrameType.ORIGIN:
      // RFC 8336 §2.1: only meaningful from a server.
      if (c.role === 'client') c.events.origin?.(frame.origins);
      return;
  }
}
