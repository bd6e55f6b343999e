import { ErrorCode } from '../error-code';
import { FrameFlag, FrameType } from '../frames/frame-type';
import { H2Error } from '../h2-error';

/**
 * Which end of the connection we are. Stream-state rules differ by role only
 * where RFC 9113 gives the server and client different powers: who may open a
 * stream with HEADERS (§5.1.1, §8.1) and who may push (§8.4).
 */
export const Role = {
  CLIENT: 0,
  SERVER: 1,
} as const;

/** {@link Role.CLIENT} or {@link Role.SERVER}. */
export type Role = (typeof Role)[keyof typeof Role];

/**
 * Stream states of RFC 9113 §5.1, as small integers (they index the transition
 * table). The single RFC state "closed" is split by *why* the stream closed,
 * because that decides what a late frame gets (DESIGN principle 2):
 *
 * - `CLOSED_END_STREAM`: END_STREAM was both sent and received.
 * - `CLOSED_LOCAL_RESET`: we sent RST_STREAM (frames already in flight from the
 *   peer are expected and ignored, §5.1 "closed").
 * - `CLOSED_REMOTE_RESET`: the peer sent RST_STREAM (it must send nothing more
 *   but PRIORITY).
 * - `CLOSED_FORGOTTEN`: closed, but the reason is no longer remembered (the
 *   bounded registry of closed streams dropped it, SECURITY #14). Handled
 *   leniently: never a connection error, since it may be a late frame after our
 *   RST_STREAM.
 * - `CLOSED_IMPLICIT`: an id the peer skipped: it never opened the stream and
 *   opening a higher id closed it (§5.1.1). No frame but PRIORITY can be in
 *   flight legitimately.
 *
 * `CLOSED_FORGOTTEN` and `CLOSED_IMPLICIT` are never entered by a transition;
 * they are what {@link StreamIds.stateOfInactive} reports for an id that is
 * neither active nor in the registry.
 */
export const StreamState = {
  IDLE: 0,
  RESERVED_LOCAL: 1,
  RESERVED_REMOTE: 2,
  OPEN: 3,
  HALF_CLOSED_LOCAL: 4,
  HALF_CLOSED_REMOTE: 5,
  CLOSED_END_STREAM: 6,
  CLOSED_LOCAL_RESET: 7,
  CLOSED_REMOTE_RESET: 8,
  CLOSED_FORGOTTEN: 9,
  CLOSED_IMPLICIT: 10,
} as const;

/** One of the {@link StreamState} integers. */
export type StreamState = (typeof StreamState)[keyof typeof StreamState];

/** Number of {@link StreamState} values (they are `0 .. STREAM_STATE_COUNT - 1`). */
export const STREAM_STATE_COUNT = 11;

const STATE_NAMES = [
  'idle',
  'reserved (local)',
  'reserved (remote)',
  'open',
  'half-closed (local)',
  'half-closed (remote)',
  'closed (END_STREAM)',
  'closed (reset by us)',
  'closed (reset by peer)',
  'closed (forgotten)',
  'closed (never opened)',
] as const;

/** The RFC 9113 §5.1 name of a state, with the closing reason for closed states. */
export function streamStateName(state: number): string {
  return STATE_NAMES[state] ?? `unknown state ${state}`;
}

/** True for every closed variant (`state >= CLOSED_END_STREAM`). */
export function isClosed(state: StreamState): boolean {
  return state >= StreamState.CLOSED_END_STREAM;
}

/**
 * Why a closed stream closed. The three values of the brief plus the two
 * "don't know for sure" cases of {@link StreamState}.
 */
export type ClosedBy = 'endStream' | 'localReset' | 'remoteReset' | 'forgotten' | 'neverOpened';

const CLOSED_BY: readonly (ClosedBy | undefined)[] = [
  undefined,
  undefined,
  undefined,
  undefined,
  undefined,
  undefined,
  'endStream',
  'localReset',
  'remoteReset',
  'forgotten',
  'neverOpened',
];

/** Why a stream in `state` closed, or `undefined` if it is not closed. */
export function closedBy(state: StreamState): ClosedBy | undefined {
  return CLOSED_BY[state];
}

/**
 * The frame-level events that move a stream (RFC 9113 §5.1, figure 2).
 * END_STREAM is folded into combined events (`HEADERS_END_STREAM`,
 * `DATA_END_STREAM`) so one frame is one table lookup.
 *
 * - `PUSH_PROMISE`: a PUSH_PROMISE frame, applied to the *associated* stream
 *   (the one it is sent on); it never changes that stream's state but is only
 *   legal in some states (§6.6).
 * - `RESERVE`: the same PUSH_PROMISE applied to the *promised* stream, which
 *   it moves from idle to reserved (§5.1 idle). The core applies `PUSH_PROMISE`
 *   to the associated stream, then `RESERVE` to the promised one.
 *
 * CONTINUATION is not an event: it belongs to the header block that its
 * HEADERS / PUSH_PROMISE started, and the core applies the event once the block
 * starts. Frames on stream 0 (SETTINGS, PING, GOAWAY) and extension frames never
 * reach the stream table.
 */
export const StreamEvent = {
  HEADERS: 0,
  HEADERS_END_STREAM: 1,
  DATA: 2,
  DATA_END_STREAM: 3,
  PUSH_PROMISE: 4,
  RESERVE: 5,
  RST_STREAM: 6,
  PRIORITY: 7,
  WINDOW_UPDATE: 8,
} as const;

/** One of the {@link StreamEvent} integers. */
export type StreamEvent = (typeof StreamEvent)[keyof typeof StreamEvent];

/** Number of {@link StreamEvent} values. */
export const STREAM_EVENT_COUNT = 9;

/**
 * A table input: an event and its direction. `SEND_*` = we send the frame
 * (a user command; an illegal one is a `user` error), `RECV_*` = the peer sent
 * it (an illegal one is a protocol error). `RECV_x === SEND_x + STREAM_EVENT_COUNT`.
 */
export const StreamInput = {
  SEND_HEADERS: 0,
  SEND_HEADERS_END_STREAM: 1,
  SEND_DATA: 2,
  SEND_DATA_END_STREAM: 3,
  SEND_PUSH_PROMISE: 4,
  SEND_RESERVE: 5,
  SEND_RST_STREAM: 6,
  SEND_PRIORITY: 7,
  SEND_WINDOW_UPDATE: 8,
  RECV_HEADERS: 9,
  RECV_HEADERS_END_STREAM: 10,
  RECV_DATA: 11,
  RECV_DATA_END_STREAM: 12,
  RECV_PUSH_PROMISE: 13,
  RECV_RESERVE: 14,
  RECV_RST_STREAM: 15,
  RECV_PRIORITY: 16,
  RECV_WINDOW_UPDATE: 17,
} as const;

/** One of the {@link StreamInput} integers. */
export type StreamInput = (typeof StreamInput)[keyof typeof StreamInput];

/** Number of {@link StreamInput} values. */
export const STREAM_INPUT_COUNT = 18;

const EVENT_NAMES = [
  'HEADERS',
  'HEADERS+END_STREAM',
  'DATA',
  'DATA+END_STREAM',
  'PUSH_PROMISE',
  'PUSH_PROMISE (promised stream)',
  'RST_STREAM',
  'PRIORITY',
  'WINDOW_UPDATE',
] as const;

/** A readable name of an input, e.g. `recv DATA+END_STREAM`. */
export function streamInputName(input: number): string {
  const event = input % STREAM_EVENT_COUNT;
  return `${input >= STREAM_EVENT_COUNT ? 'recv' : 'send'} ${EVENT_NAMES[event] ?? `event ${event}`}`;
}

/** The input for `event` in a direction: `received` = the peer sent the frame. */
export function streamInput(event: StreamEvent, received: boolean): StreamInput {
  return (received ? event + STREAM_EVENT_COUNT : event) as StreamInput;
}

/**
 * The input a frame of `type` with `flags` is for the stream it is sent on, or
 * `-1` if that frame type is not a stream-state input (CONTINUATION, stream-0
 * frames, extensions). For PUSH_PROMISE this is the associated stream's input;
 * the promised stream gets {@link StreamEvent.RESERVE}. No allocation.
 */
export function frameStreamInput(type: number, flags: number, received: boolean): StreamInput | -1 {
  const end = (flags & FrameFlag.END_STREAM) !== 0;
  let event: StreamEvent;
  switch (type) {
    case FrameType.HEADERS:
      event = end ? StreamEvent.HEADERS_END_STREAM : StreamEvent.HEADERS;
      break;
    case FrameType.DATA:
      event = end ? StreamEvent.DATA_END_STREAM : StreamEvent.DATA;
      break;
    case FrameType.PUSH_PROMISE:
      event = StreamEvent.PUSH_PROMISE;
      break;
    case FrameType.RST_STREAM:
      event = StreamEvent.RST_STREAM;
      break;
    case FrameType.PRIORITY:
      event = StreamEvent.PRIORITY;
      break;
    case FrameType.WINDOW_UPDATE:
      event = StreamEvent.WINDOW_UPDATE;
      break;
    default:
      return -1;
  }
  return streamInput(event, received);
}

/**
 * What the table says about one (role, state, input):
 *
 * - `OK`: legal; the stream moves to `next` (possibly the same state).
 * - `IGNORE`: legal but to be discarded after minimal processing (§5.1
 *   "closed": HPACK-decode header blocks, count DATA against the *connection*
 *   window and refund it, reserve a promised stream). On the send side: nothing
 *   to send (e.g. resetting an already closed stream).
 * - `STREAM_ERROR`: the peer broke a rule; answer with RST_STREAM(`code`)
 *   (§5.4.2). `next` is `CLOSED_LOCAL_RESET`, or the same closed state if the
 *   stream was already closed (a closed stream keeps its first reason).
 * - `CONNECTION_ERROR`: the peer broke a rule; GOAWAY(`code`) (§5.4.1).
 *   `next` = unchanged.
 * - `USER_ERROR`: *we* were asked to send something illegal in this state; the
 *   command is refused, nothing goes on the wire, `next` = unchanged. `code` is
 *   what the peer would have answered, for the facade's error mapping.
 */
export const Outcome = {
  OK: 0,
  IGNORE: 1,
  STREAM_ERROR: 2,
  CONNECTION_ERROR: 3,
  USER_ERROR: 4,
} as const;

/** One of the {@link Outcome} integers. */
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/**
 * One cell of the transition table. Cells are created once at module load and
 * shared (frozen), so a lookup allocates nothing.
 */
export interface Transition {
  /** What to do, see {@link Outcome}. */
  readonly outcome: Outcome;
  /** State after the input (see {@link Outcome} for error cases). */
  readonly next: StreamState;
  /** RFC 9113 §7 error code for error outcomes; `NO_ERROR` (0) otherwise. */
  readonly code: number;
  /** The RFC rule that decided this cell (section and sentence). */
  readonly rule: string;
}

// ---------------------------------------------------------------------------
// The table, written as data: one row per state and direction, one cell per
// event. Cells are built by the small constructors below.

const S = StreamState;
const E = StreamEvent;
const PROTOCOL_ERROR = ErrorCode.PROTOCOL_ERROR;
const STREAM_CLOSED = ErrorCode.STREAM_CLOSED;

/** A cell before its `next` is resolved against the row's state. */
interface CellSpec {
  outcome: Outcome;
  next: StreamState | -1; // -1: stay in the row's state
  code: number;
  rule: string;
}

const go = (next: StreamState, rule: string): CellSpec => ({ outcome: Outcome.OK, next, code: 0, rule });
const stay = (rule: string): CellSpec => ({ outcome: Outcome.OK, next: -1, code: 0, rule });
const ignore = (rule: string): CellSpec => ({ outcome: Outcome.IGNORE, next: -1, code: 0, rule });
const streamError = (code: number, rule: string): CellSpec => ({ outcome: Outcome.STREAM_ERROR, next: -1, code, rule });
const connError = (code: number, rule: string): CellSpec => ({ outcome: Outcome.CONNECTION_ERROR, next: -1, code, rule });
const userError = (code: number, rule: string): CellSpec => ({ outcome: Outcome.USER_ERROR, next: -1, code, rule });

type Row = Readonly<Record<StreamEvent, CellSpec>>;

// Rules quoted (abridged) from RFC 9113; "7540" marks RFC 7540 wording that 9113 relaxed.
const R = {
  idleRecvOther:
    '§5.1 idle: receiving any frame other than HEADERS or PRIORITY on a stream in this state MUST be treated as a connection error of type PROTOCOL_ERROR',
  idleSendOther:
    '§5.1 idle: only HEADERS (or PUSH_PROMISE reserving it) and PRIORITY may be sent on an idle stream; the peer treats anything else as a connection error PROTOCOL_ERROR (§6.4: RST_STREAM MUST NOT be sent for an idle stream)',
  priority: '§5.1/§6.3: PRIORITY can be sent and received in any state and does not change it',
  promiseNotIdle:
    '§6.6: a PUSH_PROMISE that promises an illegal stream identifier (one not in the "idle" state) MUST be treated as a connection error of type PROTOCOL_ERROR',
  promiseSendNotIdle: '§6.6: the promised stream identifier must be an idle stream',
  ppRecvWrongState:
    '§6.6: a receiver MUST treat the receipt of a PUSH_PROMISE on a stream that is neither "open" nor "half-closed (local)" as a connection error of type PROTOCOL_ERROR',
  ppSendWrongState:
    '§6.6: PUSH_PROMISE frames MUST only be sent on a peer-initiated stream that is in either the "open" or "half-closed (remote)" state',
  ppOk: '§6.6: PUSH_PROMISE on an "open" or "half-closed" associated stream; its state does not change, the promised stream is reserved',
  rstRecv: '§5.1: either endpoint can send a RST_STREAM frame, causing the stream to transition immediately to "closed"',
  rstSend: '§5.1: either endpoint can send a RST_STREAM frame, causing the stream to transition immediately to "closed"',
  reservedLocalRecv:
    '§5.1 reserved (local): receiving any type of frame other than RST_STREAM, PRIORITY, or WINDOW_UPDATE on a stream in this state MUST be treated as a connection error of type PROTOCOL_ERROR',
  reservedLocalSend:
    '§5.1 reserved (local): an endpoint MUST NOT send any type of frame other than HEADERS, RST_STREAM, or PRIORITY in this state',
  reservedRemoteRecv:
    '§5.1 reserved (remote): receiving any type of frame other than HEADERS, RST_STREAM, or PRIORITY on a stream in this state MUST be treated as a connection error of type PROTOCOL_ERROR',
  reservedRemoteSend:
    '§5.1 reserved (remote): an endpoint MUST NOT send any type of frame other than RST_STREAM, WINDOW_UPDATE, or PRIORITY in this state',
  openAny: '§5.1 open: a stream in the "open" state may be used by both peers to send frames of any type',
  openRecvEnd:
    '§5.1 open: receiving a frame with the END_STREAM flag set causes the stream to transition to "half-closed (remote)"',
  openSendEnd:
    '§5.1 open: sending a frame with the END_STREAM flag set causes the stream to transition to "half-closed (local)"',
  hclRecvAny: '§5.1 half-closed (local): an endpoint can receive any type of frame in this state',
  hclRecvEnd:
    '§5.1 half-closed (local): a stream transitions from this state to "closed" when a frame is received with the END_STREAM flag set',
  hclSend:
    '§5.1 half-closed (local): a stream in this state cannot be used for sending frames other than WINDOW_UPDATE, PRIORITY, and RST_STREAM',
  hcrRecv:
    '§5.1 half-closed (remote): if an endpoint receives additional frames, other than WINDOW_UPDATE, PRIORITY, or RST_STREAM, for a stream that is in this state, it MUST respond with a stream error of type STREAM_CLOSED',
  hcrRecvOk: '§5.1 half-closed (remote): WINDOW_UPDATE, PRIORITY and RST_STREAM may still be received',
  hcrSendAny: '§5.1 half-closed (remote): the stream can be used by the endpoint to send frames of any type',
  hcrSendEnd:
    '§5.1 half-closed (remote): a stream can transition from this state to "closed" by sending a frame with the END_STREAM flag set',
  closedSend: '§5.1 closed: an endpoint MUST NOT send frames other than PRIORITY on a closed stream',
  closedSendNoop:
    '§5.1 closed: the stream is already closed, nothing is sent (an idempotent reset, or flow-control credit for a stream that ended, is not a user error)',
  closedRaceWuRst:
    '§5.1 closed: an endpoint that sends a frame with the END_STREAM flag set or a RST_STREAM frame might receive a WINDOW_UPDATE or RST_STREAM frame from its peer in the time before the peer receives and processes the frame that closes the stream',
  closedEndHeaders:
    '§5.1 closed: an endpoint MAY treat receipt of any other type of frame on a closed stream as a connection error of type STREAM_CLOSED (7540: MUST, after receiving END_STREAM); no HEADERS can legitimately follow the peer\'s END_STREAM',
  dataNotReadable:
    '§6.1: if a DATA frame is received whose stream is not in the "open" or "half-closed (local)" state, the recipient MUST respond with a stream error of type STREAM_CLOSED',
  localResetDiscard:
    '§5.1 closed: an endpoint that sends a RST_STREAM frame ... could receive any type of frame; it MUST minimally process and then discard any frames it receives in this state (HPACK state updated, DATA counted against the connection window, a PUSH_PROMISE still reserves the promised stream)',
  remoteResetAfter:
    '§5.1 closed (7540): an endpoint that receives any frame other than PRIORITY after receiving a RST_STREAM MUST treat that as a stream error of type STREAM_CLOSED',
  noRstLoop: '§5.4.2: to avoid looping, an endpoint MUST NOT send a RST_STREAM in response to a RST_STREAM frame',
  forgottenAnswer:
    '§5.1 closed: reason no longer remembered; the frame may be a late one after our RST_STREAM, so it is answered with a stream error STREAM_CLOSED, never a connection error',
  forgottenDiscard: '§5.1 closed: a PUSH_PROMISE after our RST_STREAM still reserves the promised stream; minimally processed and discarded',
  implicit:
    '§5.1.1/§5.1 closed: the peer never opened this stream and closed it implicitly by opening a higher id, so it has the closing signal; receipt of any frame other than PRIORITY is a connection error of type PROTOCOL_ERROR (§5.4.1 allows escalating stream errors)',
  implicitHeaders:
    '§5.1.1: the identifier of a newly established stream MUST be numerically greater than all streams that the initiating endpoint has opened or reserved; an unexpected stream identifier MUST be a connection error of type PROTOCOL_ERROR',
  clientIdleHeaders:
    '§5.1 idle: if this stream is initiated by the server, then receiving a HEADERS frame MUST also be treated as a connection error of type PROTOCOL_ERROR (a server opens streams only with PUSH_PROMISE, §8.4)',
  serverIdleHeaders: '§8.4/§5.1.1: a server cannot open a stream with HEADERS; it reserves streams with PUSH_PROMISE',
  serverRecvPush:
    '§8.4: a client cannot push; servers MUST treat the receipt of a PUSH_PROMISE frame as a connection error of type PROTOCOL_ERROR',
  clientSendPush: '§8.4: a client cannot push (only a server may send PUSH_PROMISE)',
} as const;

const RECV: Readonly<Record<StreamState, Row>> = {
  [S.IDLE]: {
    [E.HEADERS]: go(S.OPEN, '§5.1 idle: receiving a HEADERS frame as a server causes the stream to become "open"'),
    [E.HEADERS_END_STREAM]: go(
      S.HALF_CLOSED_REMOTE,
      '§5.1 idle: the same HEADERS frame can also cause a stream to immediately become "half-closed"',
    ),
    [E.DATA]: connError(PROTOCOL_ERROR, R.idleRecvOther),
    [E.DATA_END_STREAM]: connError(PROTOCOL_ERROR, R.idleRecvOther),
    [E.PUSH_PROMISE]: connError(PROTOCOL_ERROR, R.idleRecvOther),
    [E.RESERVE]: go(
      S.RESERVED_REMOTE,
      '§5.1 idle: receiving a PUSH_PROMISE frame on another stream reserves an idle stream; it transitions to "reserved (remote)"',
    ),
    [E.RST_STREAM]: connError(PROTOCOL_ERROR, `${R.idleRecvOther}; §6.4: RST_STREAM identifying an idle stream`),
    [E.PRIORITY]: stay(R.priority),
    [E.WINDOW_UPDATE]: connError(PROTOCOL_ERROR, R.idleRecvOther),
  },
  [S.RESERVED_LOCAL]: {
    [E.HEADERS]: connError(PROTOCOL_ERROR, R.reservedLocalRecv),
    [E.HEADERS_END_STREAM]: connError(PROTOCOL_ERROR, R.reservedLocalRecv),
    [E.DATA]: connError(PROTOCOL_ERROR, R.reservedLocalRecv),
    [E.DATA_END_STREAM]: connError(PROTOCOL_ERROR, R.reservedLocalRecv),
    [E.PUSH_PROMISE]: connError(PROTOCOL_ERROR, R.reservedLocalRecv),
    [E.RESERVE]: connError(PROTOCOL_ERROR, R.promiseNotIdle),
    [E.RST_STREAM]: go(S.CLOSED_REMOTE_RESET, R.rstRecv),
    [E.PRIORITY]: stay('§5.1 reserved (local): a PRIORITY or WINDOW_UPDATE frame MAY be received in this state'),
    [E.WINDOW_UPDATE]: stay('§5.1 reserved (local): a PRIORITY or WINDOW_UPDATE frame MAY be received in this state'),
  },
  [S.RESERVED_REMOTE]: {
    [E.HEADERS]: go(
      S.HALF_CLOSED_LOCAL,
      '§5.1 reserved (remote): receiving a HEADERS frame causes the stream to transition to "half-closed (local)"',
    ),
    [E.HEADERS_END_STREAM]: go(
      S.CLOSED_END_STREAM,
      '§5.1 reserved (remote) → half-closed (local), and END_STREAM received there closes it',
    ),
    [E.DATA]: connError(PROTOCOL_ERROR, R.reservedRemoteRecv),
    [E.DATA_END_STREAM]: connError(PROTOCOL_ERROR, R.reservedRemoteRecv),
    [E.PUSH_PROMISE]: connError(PROTOCOL_ERROR, R.reservedRemoteRecv),
    [E.RESERVE]: connError(PROTOCOL_ERROR, R.promiseNotIdle),
    [E.RST_STREAM]: go(S.CLOSED_REMOTE_RESET, R.rstRecv),
    [E.PRIORITY]: stay(R.priority),
    [E.WINDOW_UPDATE]: connError(PROTOCOL_ERROR, R.reservedRemoteRecv),
  },
  [S.OPEN]: {
    // Trailers vs informational responses (§8.1) are the message layer's job, not the state table's.
    [E.HEADERS]: stay(R.openAny),
    [E.HEADERS_END_STREAM]: go(S.HALF_CLOSED_REMOTE, R.openRecvEnd),
    [E.DATA]: stay(R.openAny),
    [E.DATA_END_STREAM]: go(S.HALF_CLOSED_REMOTE, R.openRecvEnd),
    [E.PUSH_PROMISE]: stay(R.ppOk),
    [E.RESERVE]: connError(PROTOCOL_ERROR, R.promiseNotIdle),
    [E.RST_STREAM]: go(S.CLOSED_REMOTE_RESET, R.rstRecv),
    [E.PRIORITY]: stay(R.priority),
    [E.WINDOW_UPDATE]: stay(R.openAny),
  },
  [S.HALF_CLOSED_LOCAL]: {
    [E.HEADERS]: stay(R.hclRecvAny),
    [E.HEADERS_END_STREAM]: go(S.CLOSED_END_STREAM, R.hclRecvEnd),
    [E.DATA]: stay(R.hclRecvAny),
    [E.DATA_END_STREAM]: go(S.CLOSED_END_STREAM, R.hclRecvEnd),
    [E.PUSH_PROMISE]: stay(R.ppOk),
    [E.RESERVE]: connError(PROTOCOL_ERROR, R.promiseNotIdle),
    [E.RST_STREAM]: go(S.CLOSED_REMOTE_RESET, R.rstRecv),
    [E.PRIORITY]: stay(R.priority),
    // "a receiver can ignore WINDOW_UPDATE frames" here; we apply them (harmless) so a zero or
    // overflowing increment is still detected by the flow module (§6.9, §6.9.1).
    [E.WINDOW_UPDATE]: stay(R.hclRecvAny),
  },
  [S.HALF_CLOSED_REMOTE]: {
    [E.HEADERS]: streamError(STREAM_CLOSED, R.hcrRecv),
    [E.HEADERS_END_STREAM]: streamError(STREAM_CLOSED, R.hcrRecv),
    [E.DATA]: streamError(STREAM_CLOSED, R.hcrRecv),
    [E.DATA_END_STREAM]: streamError(STREAM_CLOSED, R.hcrRecv),
    [E.PUSH_PROMISE]: connError(PROTOCOL_ERROR, R.ppRecvWrongState),
    [E.RESERVE]: connError(PROTOCOL_ERROR, R.promiseNotIdle),
    [E.RST_STREAM]: go(S.CLOSED_REMOTE_RESET, R.rstRecv),
    [E.PRIORITY]: stay(R.hcrRecvOk),
    [E.WINDOW_UPDATE]: stay(R.hcrRecvOk),
  },
  [S.CLOSED_END_STREAM]: {
    [E.HEADERS]: connError(STREAM_CLOSED, R.closedEndHeaders),
    [E.HEADERS_END_STREAM]: connError(STREAM_CLOSED, R.closedEndHeaders),
    [E.DATA]: streamError(STREAM_CLOSED, R.dataNotReadable),
    [E.DATA_END_STREAM]: streamError(STREAM_CLOSED, R.dataNotReadable),
    [E.PUSH_PROMISE]: connError(PROTOCOL_ERROR, R.ppRecvWrongState),
    [E.RESERVE]: connError(PROTOCOL_ERROR, R.promiseNotIdle),
    [E.RST_STREAM]: ignore(R.closedRaceWuRst),
    [E.PRIORITY]: stay(R.priority),
    [E.WINDOW_UPDATE]: ignore(R.closedRaceWuRst),
  },
  [S.CLOSED_LOCAL_RESET]: {
    [E.HEADERS]: ignore(R.localResetDiscard),
    [E.HEADERS_END_STREAM]: ignore(R.localResetDiscard),
    [E.DATA]: ignore(R.localResetDiscard),
    [E.DATA_END_STREAM]: ignore(R.localResetDiscard),
    [E.PUSH_PROMISE]: ignore(R.localResetDiscard),
    [E.RESERVE]: connError(PROTOCOL_ERROR, R.promiseNotIdle),
    [E.RST_STREAM]: ignore(R.closedRaceWuRst),
    [E.PRIORITY]: stay(R.priority),
    [E.WINDOW_UPDATE]: ignore(R.closedRaceWuRst),
  },
  [S.CLOSED_REMOTE_RESET]: {
    [E.HEADERS]: streamError(STREAM_CLOSED, R.remoteResetAfter),
    [E.HEADERS_END_STREAM]: streamError(STREAM_CLOSED, R.remoteResetAfter),
    [E.DATA]: streamError(STREAM_CLOSED, `${R.dataNotReadable}; ${R.remoteResetAfter}`),
    [E.DATA_END_STREAM]: streamError(STREAM_CLOSED, `${R.dataNotReadable}; ${R.remoteResetAfter}`),
    // A stream error cannot answer a PUSH_PROMISE: the promised stream's state would be unknown (§6.6).
    [E.PUSH_PROMISE]: connError(PROTOCOL_ERROR, R.ppRecvWrongState),
    [E.RESERVE]: connError(PROTOCOL_ERROR, R.promiseNotIdle),
    [E.RST_STREAM]: ignore(R.noRstLoop),
    [E.PRIORITY]: stay(R.priority),
    [E.WINDOW_UPDATE]: streamError(STREAM_CLOSED, R.remoteResetAfter),
  },
  [S.CLOSED_FORGOTTEN]: {
    [E.HEADERS]: streamError(STREAM_CLOSED, R.forgottenAnswer),
    [E.HEADERS_END_STREAM]: streamError(STREAM_CLOSED, R.forgottenAnswer),
    [E.DATA]: streamError(STREAM_CLOSED, R.dataNotReadable),
    [E.DATA_END_STREAM]: streamError(STREAM_CLOSED, R.dataNotReadable),
    [E.PUSH_PROMISE]: ignore(R.forgottenDiscard),
    [E.RESERVE]: connError(PROTOCOL_ERROR, R.promiseNotIdle),
    [E.RST_STREAM]: ignore(R.closedRaceWuRst),
    [E.PRIORITY]: stay(R.priority),
    [E.WINDOW_UPDATE]: ignore(R.closedRaceWuRst),
  },
  [S.CLOSED_IMPLICIT]: {
    [E.HEADERS]: connError(PROTOCOL_ERROR, R.implicitHeaders),
    [E.HEADERS_END_STREAM]: connError(PROTOCOL_ERROR, R.implicitHeaders),
    [E.DATA]: connError(PROTOCOL_ERROR, R.implicit),
    [E.DATA_END_STREAM]: connError(PROTOCOL_ERROR, R.implicit),
    [E.PUSH_PROMISE]: connError(PROTOCOL_ERROR, R.ppRecvWrongState),
    [E.RESERVE]: connError(PROTOCOL_ERROR, `${R.promiseNotIdle}; ${R.implicitHeaders}`),
    [E.RST_STREAM]: connError(PROTOCOL_ERROR, R.implicit),
    [E.PRIORITY]: stay(R.priority),
    [E.WINDOW_UPDATE]: connError(PROTOCOL_ERROR, R.implicit),
  },
};

/** The send side of every closed variant: only PRIORITY goes out; RST/WINDOW_UPDATE are no-ops. */
const CLOSED_SEND: Row = {
  [E.HEADERS]: userError(STREAM_CLOSED, R.closedSend),
  [E.HEADERS_END_STREAM]: userError(STREAM_CLOSED, R.closedSend),
  [E.DATA]: userError(STREAM_CLOSED, R.closedSend),
  [E.DATA_END_STREAM]: userError(STREAM_CLOSED, R.closedSend),
  [E.PUSH_PROMISE]: userError(PROTOCOL_ERROR, `${R.closedSend}; ${R.ppSendWrongState}`),
  [E.RESERVE]: userError(PROTOCOL_ERROR, R.promiseSendNotIdle),
  [E.RST_STREAM]: ignore(R.closedSendNoop),
  [E.PRIORITY]: stay(R.closedSend),
  [E.WINDOW_UPDATE]: ignore(R.closedSendNoop),
};

const SEND: Readonly<Record<StreamState, Row>> = {
  [S.IDLE]: {
    [E.HEADERS]: go(S.OPEN, '§5.1 idle: sending a HEADERS frame as a client causes the stream to become "open"'),
    [E.HEADERS_END_STREAM]: go(
      S.HALF_CLOSED_LOCAL,
      '§5.1 idle: the same HEADERS frame can also cause a stream to immediately become "half-closed"',
    ),
    [E.DATA]: userError(PROTOCOL_ERROR, R.idleSendOther),
    [E.DATA_END_STREAM]: userError(PROTOCOL_ERROR, R.idleSendOther),
    [E.PUSH_PROMISE]: userError(PROTOCOL_ERROR, `${R.idleSendOther}; ${R.ppSendWrongState}`),
    [E.RESERVE]: go(
      S.RESERVED_LOCAL,
      '§5.1 idle: sending a PUSH_PROMISE frame on another stream reserves the idle stream; it transitions to "reserved (local)"',
    ),
    [E.RST_STREAM]: userError(PROTOCOL_ERROR, R.idleSendOther),
    [E.PRIORITY]: stay(R.priority),
    [E.WINDOW_UPDATE]: userError(PROTOCOL_ERROR, R.idleSendOther),
  },
  [S.RESERVED_LOCAL]: {
    [E.HEADERS]: go(
      S.HALF_CLOSED_REMOTE,
      '§5.1 reserved (local): the endpoint can send a HEADERS frame; this causes the stream to open in a "half-closed (remote)" state',
    ),
    [E.HEADERS_END_STREAM]: go(
      S.CLOSED_END_STREAM,
      '§5.1 reserved (local) → half-closed (remote), and sending END_STREAM there closes it',
    ),
    [E.DATA]: userError(PROTOCOL_ERROR, R.reservedLocalSend),
    [E.DATA_END_STREAM]: userError(PROTOCOL_ERROR, R.reservedLocalSend),
    [E.PUSH_PROMISE]: userError(PROTOCOL_ERROR, R.reservedLocalSend),
    [E.RESERVE]: userError(PROTOCOL_ERROR, R.promiseSendNotIdle),
    [E.RST_STREAM]: go(S.CLOSED_LOCAL_RESET, R.rstSend),
    [E.PRIORITY]: stay(R.priority),
    [E.WINDOW_UPDATE]: userError(PROTOCOL_ERROR, R.reservedLocalSend),
  },
  [S.RESERVED_REMOTE]: {
    [E.HEADERS]: userError(PROTOCOL_ERROR, R.reservedRemoteSend),
    [E.HEADERS_END_STREAM]: userError(PROTOCOL_ERROR, R.reservedRemoteSend),
    [E.DATA]: userError(PROTOCOL_ERROR, R.reservedRemoteSend),
    [E.DATA_END_STREAM]: userError(PROTOCOL_ERROR, R.reservedRemoteSend),
    [E.PUSH_PROMISE]: userError(PROTOCOL_ERROR, R.reservedRemoteSend),
    [E.RESERVE]: userError(PROTOCOL_ERROR, R.promiseSendNotIdle),
    [E.RST_STREAM]: go(S.CLOSED_LOCAL_RESET, R.rstSend),
    [E.PRIORITY]: stay(R.priority),
    [E.WINDOW_UPDATE]: stay(R.reservedRemoteSend),
  },
  [S.OPEN]: {
    [E.HEADERS]: stay(R.openAny),
    [E.HEADERS_END_STREAM]: go(S.HALF_CLOSED_LOCAL, R.openSendEnd),
    [E.DATA]: stay(R.openAny),
    [E.DATA_END_STREAM]: go(S.HALF_CLOSED_LOCAL, R.openSendEnd),
    [E.PUSH_PROMISE]: stay(R.ppSendWrongState),
    [E.RESERVE]: userError(PROTOCOL_ERROR, R.promiseSendNotIdle),
    [E.RST_STREAM]: go(S.CLOSED_LOCAL_RESET, R.rstSend),
    [E.PRIORITY]: stay(R.priority),
    [E.WINDOW_UPDATE]: stay(R.openAny),
  },
  [S.HALF_CLOSED_LOCAL]: {
    [E.HEADERS]: userError(STREAM_CLOSED, R.hclSend),
    [E.HEADERS_END_STREAM]: userError(STREAM_CLOSED, R.hclSend),
    [E.DATA]: userError(STREAM_CLOSED, R.hclSend),
    [E.DATA_END_STREAM]: userError(STREAM_CLOSED, R.hclSend),
    [E.PUSH_PROMISE]: userError(PROTOCOL_ERROR, `${R.hclSend}; ${R.ppSendWrongState}`),
    [E.RESERVE]: userError(PROTOCOL_ERROR, R.promiseSendNotIdle),
    [E.RST_STREAM]: go(S.CLOSED_LOCAL_RESET, R.rstSend),
    [E.PRIORITY]: stay(R.priority),
    [E.WINDOW_UPDATE]: stay(R.hclSend),
  },
  [S.HALF_CLOSED_REMOTE]: {
    [E.HEADERS]: stay(R.hcrSendAny),
    [E.HEADERS_END_STREAM]: go(S.CLOSED_END_STREAM, R.hcrSendEnd),
    [E.DATA]: stay(R.hcrSendAny),
    [E.DATA_END_STREAM]: go(S.CLOSED_END_STREAM, R.hcrSendEnd),
    [E.PUSH_PROMISE]: stay(R.ppSendWrongState),
    [E.RESERVE]: userError(PROTOCOL_ERROR, R.promiseSendNotIdle),
    [E.RST_STREAM]: go(S.CLOSED_LOCAL_RESET, R.rstSend),
    [E.PRIORITY]: stay(R.priority),
    [E.WINDOW_UPDATE]: stay(R.hcrSendAny),
  },
  [S.CLOSED_END_STREAM]: CLOSED_SEND,
  [S.CLOSED_LOCAL_RESET]: CLOSED_SEND,
  [S.CLOSED_REMOTE_RESET]: CLOSED_SEND,
  [S.CLOSED_FORGOTTEN]: CLOSED_SEND,
  [S.CLOSED_IMPLICIT]: CLOSED_SEND,
};

/** Role-specific cells that replace the shared ones (§8.4: only servers push, only clients open). */
interface Override {
  role: Role;
  input: StreamInput;
  states: readonly StreamState[] | 'all';
  cell: CellSpec;
}

const I = StreamInput;
const OVERRIDES: readonly Override[] = [
  { role: Role.CLIENT, input: I.RECV_HEADERS, states: [S.IDLE], cell: connError(PROTOCOL_ERROR, R.clientIdleHeaders) },
  {
    role: Role.CLIENT,
    input: I.RECV_HEADERS_END_STREAM,
    states: [S.IDLE],
    cell: connError(PROTOCOL_ERROR, R.clientIdleHeaders),
  },
  { role: Role.CLIENT, input: I.SEND_PUSH_PROMISE, states: 'all', cell: userError(PROTOCOL_ERROR, R.clientSendPush) },
  { role: Role.CLIENT, input: I.SEND_RESERVE, states: 'all', cell: userError(PROTOCOL_ERROR, R.clientSendPush) },
  { role: Role.SERVER, input: I.SEND_HEADERS, states: [S.IDLE], cell: userError(PROTOCOL_ERROR, R.serverIdleHeaders) },
  {
    role: Role.SERVER,
    input: I.SEND_HEADERS_END_STREAM,
    states: [S.IDLE],
    cell: userError(PROTOCOL_ERROR, R.serverIdleHeaders),
  },
  { role: Role.SERVER, input: I.RECV_PUSH_PROMISE, states: 'all', cell: connError(PROTOCOL_ERROR, R.serverRecvPush) },
  { role: Role.SERVER, input: I.RECV_RESERVE, states: 'all', cell: connError(PROTOCOL_ERROR, R.serverRecvPush) },
];

function resolve(state: StreamState, spec: CellSpec): Transition {
  let next: StreamState = spec.next === -1 ? state : spec.next;
  if (spec.outcome === Outcome.STREAM_ERROR && !isClosed(state)) {
    // We answer with RST_STREAM (§5.4.2), which closes the stream as a local reset.
    next = StreamState.CLOSED_LOCAL_RESET;
  }
  return Object.freeze({ outcome: spec.outcome, next, code: spec.code, rule: spec.rule });
}

function buildTable(): readonly Transition[] {
  const table: Transition[] = new Array<Transition>(2 * STREAM_STATE_COUNT * STREAM_INPUT_COUNT);
  for (const role of [Role.CLIENT, Role.SERVER]) {
    for (let state = 0 as StreamState; state < STREAM_STATE_COUNT; state++) {
      for (let input = 0; input < STREAM_INPUT_COUNT; input++) {
        const received = input >= STREAM_EVENT_COUNT;
        const event = (input % STREAM_EVENT_COUNT) as StreamEvent;
        let spec = (received ? RECV : SEND)[state][event];
        for (const o of OVERRIDES) {
          if (o.role === role && o.input === input && (o.states === 'all' || o.states.includes(state))) spec = o.cell;
        }
        table[(role * STREAM_STATE_COUNT + state) * STREAM_INPUT_COUNT + input] = resolve(state, spec);
      }
    }
  }
  return Object.freeze(table);
}

/** The flat transition table: index `(role * STATES + state) * INPUTS + input`. */
const TABLE: readonly Transition[] = buildTable();

/**
 * Looks up what `input` does to a stream in `state` for an endpoint of `role`
 * (RFC 9113 §5.1). Pure, O(1), allocation-free: the returned cell is shared
 * and frozen. Stream-id rules (§5.1.1) are checked separately by
 * {@link StreamIds}; settings-dependent rules (SETTINGS_ENABLE_PUSH = 0 makes
 * any PUSH_PROMISE a connection PROTOCOL_ERROR, §6.6) are the core's.
 */
export function transition(role: Role, state: StreamState, input: StreamInput): Transition {
  return TABLE[(role * STREAM_STATE_COUNT + state) * STREAM_INPUT_COUNT + input]!;
}

/**
 * Builds the {@link H2Error} for an error cell (STREAM_ERROR, CONNECTION_ERROR,
 * USER_ERROR). Allocates, so call it only on the error path.
 */
export function transitionError(t: Transition, streamId: number, state: StreamState, input: StreamInput): H2Error {
  const message = `${streamInputName(input)} on stream ${streamId} in state ${streamStateName(state)}: ${t.rule}`;
  switch (t.outcome) {
    case Outcome.STREAM_ERROR:
      return H2Error.stream(streamId, t.code, message);
    case Outcome.CONNECTION_ERROR:
      return H2Error.connection(t.code, message);
    default:
      return new H2Error(message, { kind: 'user', code: t.code, scope: 'stream', streamId });
  }
}

/**
 * The state of one stream plus when it closed. A thin mutable wrapper over
 * {@link transition} for callers that want a per-stream object; the core may
 * instead keep `state` as a number in its own stream record.
 */
export class StreamStateMachine {
  /** Current state. */
  state: StreamState;
  /** Input-clock value at which the stream entered a closed state; `NaN` while not closed. */
  closedAt = Number.NaN;

  /**
   * @param role our role on the connection.
   * @param state the starting state (idle for new streams).
   */
  constructor(
    readonly role: Role,
    state: StreamState = StreamState.IDLE,
  ) {
    this.state = state;
  }

  /**
   * Applies `input` at input time `now`: moves to the cell's `next` state and
   * records `closedAt` when the stream first closes. Never throws; the caller
   * acts on the returned cell's outcome (see {@link transitionError}).
   */
  apply(input: StreamInput, now: number): Transition {
    const t = transition(this.role, this.state, input);
    if (t.next !== this.state) {
      if (!isClosed(this.state) && isClosed(t.next)) this.closedAt = now;
      this.state = t.next;
    }
    return t;
  }

  /** Whether the stream is in any closed state. */
  get closed(): boolean {
    return isClosed(this.state);
  }

  /** Why the stream closed, or `undefined` while it is not closed. */
  get closedBy(): ClosedBy | undefined {
    return closedBy(this.state);
  }
}
