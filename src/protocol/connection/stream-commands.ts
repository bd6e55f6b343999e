/**
 * The commands on streams behind `Connection`'s methods of the same names
 * (documented there): open, answer, write, end, reset, credit and prioritize
 * a stream. Each checks the stream state table first and throws a user error
 * when the protocol forbids the command now.
 * @packageDocumentation
 */
import { ErrorCode } from '../error-code';
import { FrameType } from '../frames/frame-type';
import { splitPushPromiseBlock } from '../frames/header-block';
import type { PrioritySpec } from '../frames/priority';
import { fieldValue } from '../semantics/field-value';
import { BlockKind } from '../semantics/header-list';
import { outgoingFieldsError } from '../semantics/outgoing-fields';
import { isClosed, Outcome, StreamInput, StreamState, transition, transitionError, type Transition } from '../streams/stream-state';
import { canReceiveData, type ConnectionContext } from './connection-context';
import { checkOpen, userError } from './connection-errors';
import { StreamRecord, WRITABLE_LOW_WATER, type CoreStream } from './core-stream';
import { emit, emitHeaders, emitRst, emitWindowUpdate } from './frame-output';
import type { RequestOptions, RespondOptions } from './options';
import { emitEnd, finish, startRequest } from './stream-lifecycle';

const S = StreamState;
const I = StreamInput;

function statusOf(fields: ReadonlyArray<readonly [string, string]>): number {
  const v = fieldValue(fields, ':status');
  return v !== undefined && /^[0-9]{3}$/.test(v) ? +v : NaN;
}

/** A user error unless `fields` may be sent as a block of `kind` (see `outgoingFieldsError`). */
function checkFields(fields: ReadonlyArray<readonly [string, string]>, kind: BlockKind, streamId: number): void {
  const why = outgoingFieldsError(fields, kind);
  if (why !== undefined) throw userError(`invalid header fields: ${why} (RFC 9113 §8.2, §8.3)`, ErrorCode.PROTOCOL_ERROR, streamId);
}

/** `stream` as this connection's record, or a user error for a handle from elsewhere. */
function own(c: ConnectionContext, stream: CoreStream): StreamRecord {
  if (!(stream instanceof StreamRecord) || stream.owner !== c) throw userError('not a stream of this connection');
  return stream;
}

/** The table cell for a send command, or a user error. */
function sendCheck(c: ConnectionContext, s: StreamRecord, input: StreamInput): Transition {
  const t = transition(c.roleNum, s.state, input);
  if (t.outcome !== Outcome.OK) {
    if (t.outcome === Outcome.USER_ERROR) throw transitionError(t, s.id, s.state, input);
    throw userError(`stream ${s.id} is closed`, ErrorCode.STREAM_CLOSED, s.id);
  }
  return t;
}

function checkWritable(c: ConnectionContext, s: StreamRecord, what: string): void {
  if (s.closeReported) throw userError(`${what}() on closed stream ${s.id}`, ErrorCode.STREAM_CLOSED, s.id);
  if (s.ended) throw userError(`${what}() after the end of stream ${s.id}`, ErrorCode.STREAM_CLOSED, s.id);
  if (!s.headersSent && (c.role === 'server' || s.id !== 0)) {
    throw userError(`${what}() before the headers of stream ${s.id} were sent`, ErrorCode.PROTOCOL_ERROR, s.id);
  }
  if (s.id !== 0) sendCheck(c, s, I.SEND_DATA);
}

/** `Connection.request()`. */
export function request(c: ConnectionContext, fields: ReadonlyArray<readonly [string, string]>, opts?: RequestOptions): CoreStream {
  // Never sent, so safe to retry on a new connection (as after a GOAWAY, below).
  if (c.dead) throw userError('the connection is closed: no new streams on it', ErrorCode.REFUSED_STREAM, 0, true);
  if (c.role !== 'client') throw userError('request() is for clients: a server answers with respond() or push()');
  if (c.goawayReceivedInfo !== undefined) {
    // Never sent, so safe to retry on a new connection.
    throw userError('the peer sent GOAWAY: no new streams on this connection (RFC 9113 §6.8)', ErrorCode.REFUSED_STREAM, 0, true);
  }
  if (c.goawaySentInfo !== undefined) {
    // We are closing (as node:http2 refuses a request on a session being closed): never sent, safe to retry elsewhere.
    throw userError('GOAWAY was sent: this connection is closing, no new streams on it', ErrorCode.REFUSED_STREAM, 0, true);
  }
  if (c.ids.nextLocalId === 0) throw userError('stream identifiers are exhausted (RFC 9113 §5.1.1)', ErrorCode.REFUSED_STREAM, 0, true);
  if (fieldValue(fields, ':protocol') !== undefined && c.remote.enableConnectProtocol !== 1) {
    throw userError('the peer did not enable extended CONNECT (SETTINGS_ENABLE_CONNECT_PROTOCOL, RFC 8441 §3)');
  }
  checkFields(fields, BlockKind.Request, 0);
  const s = new StreamRecord(c, 0, true);
  s.context = opts?.context;
  s.pendingFields = fields;
  s.pendingEndStream = opts?.endStream === true;
  s.pendingPriority = opts?.priority;
  s.pendingSensitive = opts?.sensitive;
  const method = fieldValue(fields, ':method');
  s.headRequest = method === 'HEAD';
  s.connectRequest = method === 'CONNECT';
  if (s.pendingEndStream) s.ended = s.endSent = true;
  if (c.waitingHead === c.waiting.length && c.activeLocal < c.peerMaxConcurrent) startRequest(c, s);
  else c.waiting.push(s);
  return s;
}

/** `Connection.respond()`. */
export function respond(c: ConnectionContext, stream: CoreStream, fields: ReadonlyArray<readonly [string, string]>, opts?: RespondOptions): void {
  checkOpen(c);
  const s = own(c, stream);
  if (c.role !== 'server') throw userError('respond() is for servers', ErrorCode.PROTOCOL_ERROR, s.id);
  if (s.headersSent) throw userError(`response headers already sent on stream ${s.id}`, ErrorCode.PROTOCOL_ERROR, s.id);
  const status = statusOf(fields);
  if (!(status >= 200 && status <= 999)) {
    throw userError(`a final response needs a :status of 200-999, got ${fieldValue(fields, ':status')} (RFC 9113 §8.3.2)`, ErrorCode.PROTOCOL_ERROR, s.id);
  }
  checkFields(fields, BlockKind.Response, s.id);
  const end = opts?.endStream === true;
  const t = sendCheck(c, s, end ? I.SEND_HEADERS_END_STREAM : I.SEND_HEADERS);
  emitHeaders(c, s.id, fields, end, undefined, opts?.sensitive);
  s.headersSent = true;
  s.sentHeaders = fields;
  if (end) s.ended = s.endSent = true;
  c.setState(s, t.next);
  if (isClosed(s.state)) finish(c, s, 0, 'none');
}

/** `Connection.informational()`. */
export function informational(c: ConnectionContext, stream: CoreStream, fields: ReadonlyArray<readonly [string, string]>): void {
  checkOpen(c);
  const s = own(c, stream);
  if (c.role !== 'server') throw userError('informational() is for servers', ErrorCode.PROTOCOL_ERROR, s.id);
  if (s.headersSent) throw userError(`the final response was already sent on stream ${s.id}`, ErrorCode.PROTOCOL_ERROR, s.id);
  const status = statusOf(fields);
  if (!(status >= 100 && status < 200) || status === 101) {
    throw userError(`an informational response needs a 1xx :status other than 101 (RFC 9113 §8.1, §8.6)`, ErrorCode.PROTOCOL_ERROR, s.id);
  }
  checkFields(fields, BlockKind.Response, s.id);
  const t = sendCheck(c, s, I.SEND_HEADERS);
  emitHeaders(c, s.id, fields, false, undefined, undefined);
  c.setState(s, t.next);
}

/** `Connection.push()`. */
export function push(c: ConnectionContext, parent: CoreStream, fields: ReadonlyArray<readonly [string, string]>): CoreStream {
  checkOpen(c);
  const p = own(c, parent);
  if (c.role !== 'server') throw userError('a client cannot push (RFC 9113 §8.4)');
  if (c.remote.enablePush === 0) throw userError('the peer disabled push (SETTINGS_ENABLE_PUSH = 0, RFC 9113 §8.4)');
  if (c.goawayReceivedInfo !== undefined) throw userError('the peer sent GOAWAY: no new streams (RFC 9113 §6.8)', ErrorCode.REFUSED_STREAM);
  if (p.local) throw userError('PUSH_PROMISE must be sent on a stream the client opened (RFC 9113 §6.6)', ErrorCode.PROTOCOL_ERROR, p.id);
  const t = transition(c.roleNum, p.state, I.SEND_PUSH_PROMISE);
  if (t.outcome !== Outcome.OK) throw transitionError(t, p.id, p.state, I.SEND_PUSH_PROMISE);
  if (c.activeLocal + c.reservedLocal >= c.peerMaxConcurrent) {
    throw userError(`the peer's MAX_CONCURRENT_STREAMS (${c.peerMaxConcurrent}) is reached`, ErrorCode.REFUSED_STREAM);
  }
  // §8.4.1: a promised request is a complete request, held to a request's rules.
  checkFields(fields, BlockKind.Request, p.id);
  const id = c.ids.allocateLocal();
  if (id === 0) throw userError('stream identifiers are exhausted (RFC 9113 §5.1.1)', ErrorCode.REFUSED_STREAM);
  const s = c.newStream(id, true);
  s.pushed = true;
  s.headRequest = fieldValue(fields, ':method') === 'HEAD';
  c.setState(s, transition(c.roleNum, S.IDLE, I.SEND_RESERVE).next);
  const block = c.hpackOut.encode(fields);
  const frames = splitPushPromiseBlock(p.id, id, block, {}, c.remote.maxFrameSize);
  for (let i = 0; i < frames.length; i++) emit(c, frames[i]!);
  return s;
}

/** `Connection.write()`. */
export function write(c: ConnectionContext, stream: CoreStream, data: Uint8Array, endStream: boolean): void {
  checkOpen(c);
  const s = own(c, stream);
  checkWritable(c, s, 'write');
  const n = data.length;
  if (n > 0) {
    s.enqueue(data);
    c.totalQueued += n;
    if (s.queuedBytes >= WRITABLE_LOW_WATER) s.needWritable = true;
    if (s.headersSent) c.ready.push(s);
  }
  if (endStream) end(c, s);
}

/** `Connection.end()`. */
export function end(c: ConnectionContext, stream: CoreStream): void {
  checkOpen(c);
  const s = own(c, stream);
  if (s.ended || s.closeReported) return;
  checkWritable(c, s, 'end');
  s.ended = true;
  if (s.headersSent && s.queuedBytes === 0) emitEnd(c, s);
}

/** `Connection.trailers()`. */
export function trailers(
  c: ConnectionContext,
  stream: CoreStream,
  fields: ReadonlyArray<readonly [string, string]>,
  opts: { sensitive?: ReadonlySet<string> } | undefined,
): void {
  checkOpen(c);
  const s = own(c, stream);
  checkWritable(c, s, 'trailers');
  checkFields(fields, BlockKind.Trailers, s.id);
  s.trailerFields = fields;
  s.trailerSensitive = opts?.sensitive;
  s.ended = true;
  if (s.headersSent && s.queuedBytes === 0) emitEnd(c, s);
}

/** `Connection.reset()`. */
export function reset(c: ConnectionContext, stream: CoreStream, code: number): void {
  const s = own(c, stream);
  if (c.dead || s.closeReported) return;
  s.rstCode = code;
  if (s.id === 0) {
    c.setState(s, S.CLOSED_LOCAL_RESET);
    finish(c, s, code, 'local');
    return;
  }
  const t = transition(c.roleNum, s.state, I.SEND_RST_STREAM);
  if (t.outcome === Outcome.USER_ERROR) throw transitionError(t, s.id, s.state, I.SEND_RST_STREAM);
  if (t.outcome === Outcome.OK) emitRst(c, s.id, code);
  c.setState(s, isClosed(t.next) ? t.next : S.CLOSED_LOCAL_RESET);
  finish(c, s, code, 'local');
}

/** `Connection.consumed()`. */
export function consumed(c: ConnectionContext, stream: CoreStream, n: number): void {
  const s = own(c, stream);
  if (c.dead || n === 0 || s.recvRefunded || s.recvWindow === undefined) return;
  if (!(Number.isInteger(n) && n > 0 && n <= s.recvWindow.buffered)) {
    throw userError(`consumed(${n}) on stream ${s.id}, which has ${s.recvWindow.buffered} octets unread`, ErrorCode.INTERNAL_ERROR, s.id);
  }
  const inc = s.recvWindow.consumed(n, c.clock);
  if (inc > 0 && canReceiveData(s.state)) emitWindowUpdate(c, s.id, inc);
  const cinc = c.connRecv.consumed(n, c.clock);
  if (cinc > 0) emitWindowUpdate(c, 0, cinc);
}

/** `Connection.priority()`. */
export function priority(c: ConnectionContext, stream: CoreStream, spec: PrioritySpec): void {
  checkOpen(c);
  const s = own(c, stream);
  if (!(Number.isInteger(spec.weight) && spec.weight >= 1 && spec.weight <= 256)) {
    throw userError(`priority weight must be an integer in 1..256, got ${spec.weight}`);
  }
  if (s.id === 0) {
    s.pendingPriority = spec;
    return;
  }
  if (spec.dependsOn === s.id) throw userError(`stream ${s.id} cannot depend on itself (RFC 9113 §5.3.1)`, ErrorCode.PROTOCOL_ERROR, s.id);
  emit(c, { type: FrameType.PRIORITY, streamId: s.id, priority: spec });
}
