/**
 * Received header blocks (RFC 9113 §4.3, §6.2, §6.6, §6.10, §8): HEADERS,
 * PUSH_PROMISE and their CONTINUATION frames assembled, HPACK-decoded even
 * when the stream is refused (the decoder context must stay in sync), checked
 * (§8.1.1), and delivered as requests, responses, trailers or promises —
 * or refused with RST_STREAM.
 * @packageDocumentation
 */
import { ErrorCode } from '../error-code';
import type { ContinuationFrame } from '../frames/continuation';
import type { HeadersFrame } from '../frames/headers';
import type { PushPromiseFrame } from '../frames/push-promise';
import { H2Error } from '../h2-error';
import { HeaderBlockError } from '../hpack/errors';
import { BlockKind, checkHeaderList } from '../semantics/header-list';
import { SettingId } from '../settings';
import { isClosed, Outcome, StreamInput, StreamState, transition, transitionError, type Transition } from '../streams/stream-state';
import type { ConnectionContext } from './connection-context';
import { fail } from './connection-errors';
import type { StreamRecord } from './core-stream';
import { countPeerError, countRejectedStream, emitControl } from './dos-accounting';
import type { HeadersKind } from './events';
import { rstStreamFrame } from './frame-output';
import { onRejected, peerStreamError } from './stream-errors';
import { finish } from './stream-lifecycle';

const S = StreamState;
const I = StreamInput;

function selfDependencyError(id: number): H2Error {
  return H2Error.stream(id, ErrorCode.PROTOCOL_ERROR, `stream ${id} depends on itself (RFC 9113 §5.3.1)`);
}

/** Handles a HEADERS frame; `selfDependent` when the decoder reported its priority as depending on its own stream. */
export function onHeaders(c: ConnectionContext, f: HeadersFrame, selfDependent: boolean): void {
  if (f.endHeaders) return onHeaderBlock(c, f.streamId, f.headerBlock, f.endStream, selfDependent);
  const a = c.assembly;
  const err = a.start(f.streamId, f.headerBlock, c.clock);
  a.isPush = false;
  a.endStream = f.endStream;
  a.selfDependent = selfDependent;
  if (err !== undefined) fail(c, err);
}

/** Handles a PUSH_PROMISE frame. */
export function onPushPromise(c: ConnectionContext, f: PushPromiseFrame): void {
  if (f.endHeaders) return onPushPromiseBlock(c, f.streamId, f.promisedStreamId, f.headerBlock);
  const a = c.assembly;
  const err = a.start(f.streamId, f.headerBlock, c.clock);
  a.isPush = true;
  a.promisedStreamId = f.promisedStreamId;
  if (err !== undefined) fail(c, err);
}

/** Handles a CONTINUATION frame (the frame gate let it through: a block is in assembly). */
export function onContinuation(c: ConnectionContext, f: ContinuationFrame): void {
  const a = c.assembly;
  if (f.streamId !== a.streamId) {
    return fail(c, H2Error.connection(ErrorCode.PROTOCOL_ERROR, `CONTINUATION on stream ${f.streamId} inside the header block of stream ${a.streamId} (RFC 9113 §6.10)`));
  }
  const err = a.append(f.headerBlock);
  if (err !== undefined) return fail(c, err);
  if (!f.endHeaders) return;
  const { isPush, promisedStreamId, endStream, selfDependent } = a;
  const block = a.finish();
  if (isPush) onPushPromiseBlock(c, f.streamId, promisedStreamId, block);
  else onHeaderBlock(c, f.streamId, block, endStream, selfDependent);
}

/**
 * HPACK-decodes a block. Returns the fields; a {@link HeaderBlockError} for a
 * list over a limit or with an empty name (the context is still in sync: a
 * stream error); or `undefined` after failing the connection
 * (COMPRESSION_ERROR, §4.3).
 */
function decodeBlock(c: ConnectionContext, block: Uint8Array): Array<[string, string]> | HeaderBlockError | undefined {
  c.neverIndexed.length = 0;
  try {
    return c.hpackIn.decode(block, c.neverIndexed);
  } catch (e) {
    if (e instanceof HeaderBlockError) return e;
    if (e instanceof H2Error) {
      fail(c, e);
      return undefined;
    }
    throw e;
  }
}

function takeNeverIndexed(c: ConnectionContext): string[] | undefined {
  return c.neverIndexed.length > 0 ? c.neverIndexed.slice() : undefined;
}

function onHeaderBlock(c: ConnectionContext, id: number, block: Uint8Array, endStream: boolean, selfDependent: boolean): void {
  c.lastProcStreamId = id;
  const s = c.streams.get(id);
  const state = c.stateOf(id, s);
  const input = endStream ? I.RECV_HEADERS_END_STREAM : I.RECV_HEADERS;
  const t = transition(c.roleNum, state, input);
  if (t.outcome === Outcome.CONNECTION_ERROR) return fail(c, transitionError(t, id, state, input));
  const isNew = state === S.IDLE;
  if (isNew) {
    const e = c.ids.acceptRemote(id);
    if (e !== undefined) return fail(c, e);
  }
  // Decoded whatever happens next, so the HPACK context stays in sync (§4.3).
  const fields = decodeBlock(c, block);
  if (fields === undefined) return;
  if (t.outcome !== Outcome.OK) return onRejected(c, t, s, id, state, input);
  if (isNew) return openRemoteStream(c, id, t, fields, endStream, selfDependent);
  const stream = s!;
  if (fields instanceof HeaderBlockError) return peerStreamError(c, id, stream, H2Error.stream(id, fields.code, fields.message, fields.limit));
  if (selfDependent) return peerStreamError(c, id, stream, selfDependencyError(id));
  const info = c.info;
  let kind: HeadersKind;
  if (c.role === 'server' || stream.finalReceived) {
    kind = 'trailers';
    if (!endStream) return malformed(c, stream, 'trailers without END_STREAM (RFC 9113 §8.1)');
    const msg = checkHeaderList(fields, BlockKind.Trailers, c.checkOptions, info);
    if (msg !== undefined) return malformed(c, stream, `malformed trailers: ${msg} (RFC 9113 §8.1.1)`);
  } else {
    const msg = checkHeaderList(fields, BlockKind.Response, c.checkOptions, info);
    if (msg !== undefined) return malformed(c, stream, `malformed response: ${msg} (RFC 9113 §8.1.1)`);
    const status = info.status!;
    if (status < 200) {
      if (status === 101) return malformed(c, stream, 'status 101 is not allowed in HTTP/2 (RFC 9113 §8.6)');
      if (endStream) return malformed(c, stream, 'an informational response with END_STREAM (RFC 9113 §8.1)');
      kind = 'informational';
    } else {
      kind = 'response';
      stream.finalReceived = true;
      stream.endAfterHeaders = endStream;
      // HEAD, 204 and 304 responses may announce a length but carry no content (RFC 9110 §6.4.1);
      // a 2xx to CONNECT is a tunnel, and "a client MUST ignore any Content-Length" in it (§9.3.6).
      stream.expectedLength =
        stream.connectRequest && status < 300 ? -1 : stream.headRequest || status === 204 || status === 304 ? 0 : info.contentLength;
    }
  }
  if (endStream && stream.expectedLength > 0 && stream.receivedLength !== stream.expectedLength) {
    return malformed(c, stream, `content-length ${stream.expectedLength} but ${stream.receivedLength} octets of DATA (RFC 9113 §8.1.1)`);
  }
  c.setState(stream, t.next);
  c.events.streamHeaders(stream, fields, kind, endStream, takeNeverIndexed(c));
  if (isClosed(stream.state)) finish(c, stream, 0, 'none');
}

function malformed(c: ConnectionContext, s: StreamRecord, message: string): void {
  peerStreamError(c, s.id, s, H2Error.stream(s.id, ErrorCode.PROTOCOL_ERROR, message));
}

/** Server: the peer opened stream `id` (already accepted by `StreamIds`). */
function openRemoteStream(
  c: ConnectionContext,
  id: number,
  t: Transition,
  fields: Array<[string, string]> | HeaderBlockError,
  endStream: boolean,
  selfDependent: boolean,
): void {
  // §6.8: after our GOAWAY, newer streams are ignored (their block was decoded above).
  if (c.goawaySentInfo !== undefined && id > c.goawaySentInfo.lastStreamId) {
    c.closedStreams.add(id, S.CLOSED_LOCAL_RESET, c.clock);
    return;
  }
  if (fields instanceof HeaderBlockError) return rejectStream(c, id, fields.code, fields.message, true);
  if (selfDependent) return rejectStream(c, id, ErrorCode.PROTOCOL_ERROR, selfDependencyError(id).message, true);
  const info = c.info;
  const msg = checkHeaderList(fields, BlockKind.Request, c.checkOptions, info);
  if (msg !== undefined) return rejectStream(c, id, ErrorCode.PROTOCOL_ERROR, `malformed request: ${msg} (RFC 9113 §8.1.1)`, true);
  if (endStream && info.contentLength > 0) {
    return rejectStream(c, id, ErrorCode.PROTOCOL_ERROR, `content-length ${info.contentLength} on a request without content (RFC 9113 §8.1.1)`, true);
  }
  if (c.activeRemote >= c.localMaxConcurrent) {
    return rejectStream(c, id, ErrorCode.REFUSED_STREAM, `stream ${id} exceeds SETTINGS_MAX_CONCURRENT_STREAMS ${c.localMaxConcurrent} (RFC 9113 §5.1.2)`, false);
  }
  if (c.memoryUsage > c.limits.maxSessionMemory * 1e6) {
    return rejectStream(c, id, ErrorCode.ENHANCE_YOUR_CALM, `session memory above maxSessionMemory (${c.limits.maxSessionMemory} MB)`, false);
  }
  const s = c.newStream(id, false);
  c.lastAcceptedRemote = id;
  s.finalReceived = true;
  s.handled = true;
  s.endAfterHeaders = endStream;
  s.expectedLength = info.contentLength;
  s.headRequest = info.method === 'HEAD';
  c.setState(s, t.next);
  c.events.streamHeaders(s, fields, 'request', endStream, takeNeverIndexed(c));
}

/** A new peer stream we will not process: RST_STREAM, remembered as reset by us, counted. */
function rejectStream(c: ConnectionContext, id: number, code: number, message: string, malformed: boolean): void {
  c.closedStreams.add(id, S.CLOSED_LOCAL_RESET, c.clock);
  emitControl(c, rstStreamFrame(id, code));
  if (c.dead) return;
  if (malformed && !countPeerError(c)) return;
  countRejectedStream(c, message);
}

function onPushPromiseBlock(c: ConnectionContext, parentId: number, promisedId: number, block: Uint8Array): void {
  const parent = c.streams.get(parentId);
  const pstate = c.stateOf(parentId, parent);
  const t = transition(c.roleNum, pstate, I.RECV_PUSH_PROMISE);
  if (t.outcome === Outcome.CONNECTION_ERROR) return fail(c, transitionError(t, parentId, pstate, I.RECV_PUSH_PROMISE));
  if (!c.ids.isLocalId(parentId)) {
    return fail(c, H2Error.connection(ErrorCode.PROTOCOL_ERROR, `PUSH_PROMISE on stream ${parentId}, which the client did not open (RFC 9113 §6.6)`));
  }
  // §6.6: having set ENABLE_PUSH=0 and had it acknowledged, a PUSH_PROMISE is a connection error.
  if (c.local.permissive(SettingId.ENABLE_PUSH) === 0) {
    return fail(c, H2Error.connection(ErrorCode.PROTOCOL_ERROR, 'PUSH_PROMISE received with SETTINGS_ENABLE_PUSH = 0 acknowledged (RFC 9113 §6.6, §8.4)'));
  }
  const e = c.ids.acceptRemote(promisedId);
  if (e !== undefined) return fail(c, e);
  const fields = decodeBlock(c, block);
  if (fields === undefined) return;
  // §5.1 closed: a PUSH_PROMISE on a stream we reset still reserves the promised stream; we do not want it.
  if (t.outcome !== Outcome.OK || parent === undefined) return refusePush(c, promisedId, ErrorCode.CANCEL, false);
  if (c.goawaySentInfo !== undefined && promisedId > c.goawaySentInfo.lastStreamId) {
    c.closedStreams.add(promisedId, S.CLOSED_LOCAL_RESET, c.clock);
    return;
  }
  if (fields instanceof HeaderBlockError) return refusePush(c, promisedId, fields.code, true);
  if (c.local.pendingHas(SettingId.ENABLE_PUSH, 0)) return refusePush(c, promisedId, ErrorCode.CANCEL, false);
  // SECURITY #19: reserved streams are bounded; nghttp2 cancels the excess.
  if (c.reservedRemote >= c.limits.maxReservedRemoteStreams) return refusePush(c, promisedId, ErrorCode.CANCEL, false);
  const info = c.info;
  const msg = checkHeaderList(fields, BlockKind.Request, c.checkOptions, info);
  // §8.4: promised requests MUST be safe and cacheable, and without content; else a stream error on the promised stream.
  if (msg !== undefined || (info.method !== 'GET' && info.method !== 'HEAD') || info.contentLength > 0) {
    return refusePush(c, promisedId, ErrorCode.PROTOCOL_ERROR, true);
  }
  const p = c.newStream(promisedId, false);
  c.lastAcceptedRemote = promisedId;
  p.pushed = true;
  p.headRequest = info.method === 'HEAD';
  c.setState(p, transition(c.roleNum, S.IDLE, I.RECV_RESERVE).next);
  c.events.pushPromise(parent, p, fields);
}

function refusePush(c: ConnectionContext, promisedId: number, code: number, peerError: boolean): void {
  c.closedStreams.add(promisedId, S.CLOSED_LOCAL_RESET, c.clock);
  emitControl(c, rstStreamFrame(promisedId, code));
  if (peerError && !c.dead) countPeerError(c);
}
