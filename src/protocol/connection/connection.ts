/**
 * The sans-I/O HTTP/2 connection core (DESIGN principle 1): bytes, commands
 * and clock ticks in; events and encoded frames out. No RxJS, no sockets, no
 * timers — time is the `now` passed to `receive()` / `tick()`.
 * @packageDocumentation
 */
import { ErrorCode } from '../error-code';
// Imports name the defining modules rather than the barrels: in CommonJS builds every
// barrel re-export is a getter, and these are on the per-frame path.
import { dataFrameFloor, nextDataFrameSize } from '../flow/data-scheduler';
import { DEFAULT_AUTOTUNE_MAX_WINDOW, RecvWindow, type RecvWindowOptions } from '../flow/recv-window';
import { SendWindow } from '../flow/send-window';
import type { AltsvcFrame } from '../frames/altsvc';
import type { ContinuationFrame } from '../frames/continuation';
import { dataPayloadLength, flowControlledLength, type DataFrame } from '../frames/data';
import { FrameDecoder, type FrameSink } from '../frames/decoder';
import type { Frame } from '../frames/frame';
import { CLIENT_PREFACE, FRAME_HEADER_LENGTH, FrameType } from '../frames/frame-type';
import type { GoawayFrame } from '../frames/goaway';
import { splitHeaderBlock, splitPushPromiseBlock } from '../frames/header-block';
import type { HeadersFrame } from '../frames/headers';
import type { OriginFrame } from '../frames/origin';
import { paddingFor } from '../frames/padding';
import { PING_PAYLOAD_LENGTH, type PingFrame } from '../frames/ping';
import type { PrioritySpec } from '../frames/priority';
import type { PushPromiseFrame } from '../frames/push-promise';
import type { RstStreamFrame } from '../frames/rst-stream';
import { validateSetting, type SettingsFrame } from '../frames/settings';
import type { WindowUpdateFrame } from '../frames/window-update';
import { H2Error } from '../h2-error';
import { HpackDecoder } from '../hpack/decoder';
import { HpackEncoder } from '../hpack/encoder';
import { HeaderBlockError } from '../hpack/errors';
import { BlockKind, checkHeaderList, newHeaderListInfo, type HeaderListCheckOptions } from '../semantics/header-list';
import { SettingId } from '../settings';
import { ClosedStreams, inactiveStreamState } from '../streams/closed-streams';
import { StreamIds } from '../streams/stream-ids';
import {
  isClosed,
  Outcome,
  Role as StreamRole,
  StreamInput,
  StreamState,
  transition,
  transitionError,
  type Transition,
} from '../streams/stream-state';
import { StreamRecord, WRITABLE_LOW_WATER, type CoreStream } from './core-stream';
import type { CloseInitiator, ConnectionEvents, HeadersKind } from './events';
import { frameGate, FramePhase } from './frame-gate';
import { HeaderAssembly } from './header-assembly';
import {
  continuationBudget,
  DEFAULT_CONNECTION_WINDOW_SIZE,
  headerBlockBudget,
  resolveLimits,
  type ConnectionOptions,
  type RequestOptions,
  type ResolvedLimits,
  type RespondOptions,
  type ConnectionRole,
} from './options';
import { OUTPUT_BATCH_BYTES, OutputBuffer, ReadyQueue } from './outbound';
import { PingTracker } from './ping-tracker';
import { TokenBucket } from './rate-limit';
import { LocalSettingsSync, SettingsValues } from './settings-sync';
import { StreamStateLog, type StreamStateChange } from './stream-state-log';

/** A GOAWAY sent or received. */
export interface GoawayInfo {
  readonly lastStreamId: number;
  readonly code: number;
  readonly debugData: Uint8Array;
}

/** Node's `http2session.state` numbers. */
export interface ConnectionState {
  /** Our connection receive window target (Node: current local window size). */
  effectiveLocalWindowSize: number;
  /** Octets received since the window was last topped up. */
  effectiveRecvDataLength: number;
  /** The id our next stream will get (0: exhausted). */
  nextStreamID: number;
  /** Octets the peer may still send on the connection before a WINDOW_UPDATE. */
  localWindowSize: number;
  /** The stream of the most recent HEADERS or DATA received. */
  lastProcStreamID: number;
  /** Octets we may still send on the connection. */
  remoteWindowSize: number;
  /** Frames waiting in `takeOutput()`. */
  outboundQueueSize: number;
  /** Our HPACK encoder's table size. */
  deflateDynamicTableSize: number;
  /** Our HPACK decoder's table size. */
  inflateDynamicTableSize: number;
}

/** Where each bound stands, so that a user who trips a limit can see which (SECURITY.md). */
export interface ConnectionCounters {
  activeStreams: number;
  waitingStreams: number;
  reservedRemoteStreams: number;
  closedStreamsRemembered: number;
  invalidFrames: number;
  rejectedStreams: number;
  emptyDataFrames: number;
  /** Tokens left in the Rapid Reset bucket. */
  resetTokens: number;
  /** Tokens left in the glitch (MadeYouReset) bucket. */
  glitchTokens: number;
  /** Frames queued in answer to the peer since the last `takeOutput()`. */
  outboundControlFrames: number;
  /** See {@link Connection.memoryUsage}. */
  memory: number;
}

/** Thrown through the frame decoder to stop parsing once the connection has failed. */
const ABORT: unique symbol = Symbol('rx-http2 connection aborted');

/** Bytes charged per stream for `maxSessionMemory` (record, two windows, queue heads; roughly what nghttp2 allocates). */
const STREAM_MEMORY_OVERHEAD = 600;

/** Longest GOAWAY debug data we write. */
const MAX_DEBUG_DATA = 256;

const EMPTY = new Uint8Array(0);
const S = StreamState;
const I = StreamInput;

function userError(message: string, code: number = ErrorCode.PROTOCOL_ERROR, streamId = 0, retryable = false): H2Error {
  return new H2Error(message, { kind: 'user', code, scope: streamId === 0 ? 'connection' : 'stream', streamId, retryable });
}

/** States in which a stream counts against MAX_CONCURRENT_STREAMS (§5.1.2: open and half-closed). */
function countsAsActive(state: StreamState): boolean {
  return state === S.OPEN || state === S.HALF_CLOSED_LOCAL || state === S.HALF_CLOSED_REMOTE;
}

/** States in which the peer may still send DATA, so a stream WINDOW_UPDATE is worth sending. */
function canReceiveData(state: StreamState): boolean {
  return state === S.OPEN || state === S.HALF_CLOSED_LOCAL;
}

function statusOf(fields: ReadonlyArray<readonly [string, string]>): number {
  for (let i = 0; i < fields.length; i++) {
    if (fields[i]![0] === ':status') {
      const v = fields[i]![1];
      return /^[0-9]{3}$/.test(v) ? +v : NaN;
    }
  }
  return NaN;
}

function fieldValue(fields: ReadonlyArray<readonly [string, string]>, name: string): string | undefined {
  for (let i = 0; i < fields.length; i++) if (fields[i]![0] === name) return fields[i]![1];
  return undefined;
}

function debugBytes(err: H2Error): Uint8Array {
  const text = err.limit !== undefined ? `${err.limit}: ${err.message}` : err.message;
  const bytes = Buffer.from(text, 'utf8');
  return new Uint8Array(bytes.subarray(0, MAX_DEBUG_DATA));
}

/**
 * One HTTP/2 connection, client or server side, as a synchronous state
 * machine (RFC 9113): the python-hyper/h2 shape (`receive` → events,
 * `takeOutput` → bytes) with nghttp2's limits.
 *
 * - Input: `receive(chunk, now)` with socket bytes; `tick(now)` when
 *   `nextDeadline()` passes; commands (`request`, `respond`, `write`, …).
 * - Output: {@link ConnectionEvents} callbacks, synchronously; and encoded
 *   frames from `takeOutput()`, in order, once per turn of the caller's loop.
 *   DATA is framed lazily in `takeOutput()` as flow-control windows allow,
 *   round-robin across streams; call it again while `wantsWrite`.
 * - Errors: the peer's errors never throw — they become RST_STREAM (stream
 *   errors) or GOAWAY + `events.error` (connection errors, after which the
 *   connection is dead). Any exception on the receive path, ours or a
 *   handler's, becomes GOAWAY INTERNAL_ERROR. Commands throw `H2Error` of kind
 *   `user` when asked for something the protocol forbids in the current state.
 */
export class Connection {
  /** Our role. */
  readonly role: ConnectionRole;
  private readonly roleNum: StreamRole;
  private readonly events: ConnectionEvents;
  private readonly limits: ResolvedLimits;
  private readonly paddingStrategy: number;
  private readonly decoder: FrameDecoder;
  private readonly sink: FrameSink;
  private readonly hpackIn: HpackDecoder;
  private readonly hpackOut: HpackEncoder;
  private readonly ids: StreamIds;
  private readonly closedStreams: ClosedStreams;
  private readonly streams = new Map<number, StreamRecord>();
  private waiting: StreamRecord[] = [];
  private waitingHead = 0;
  private startingWaiting = false;
  private readonly local = new LocalSettingsSync();
  private readonly remote = new SettingsValues();
  private readonly connSend = new SendWindow(0, 65535);
  private readonly connRecv: RecvWindow;
  /** Options of every stream's receive window: auto-tuning, or `undefined` for none. */
  private readonly recvWindowOptions: RecvWindowOptions | undefined;
  /** Round-trip-time estimate for auto-tuning (ms, ≥ 1 once known; 0 unknown). */
  private rtt = 0;
  /** {@link rtt} was measured with a PING (better than the SETTINGS ACK estimate). */
  private rttFromPing = false;
  private readonly pings: PingTracker;
  private readonly resetBucket: TokenBucket;
  private readonly glitchBucket: TokenBucket;
  private readonly assembly: HeaderAssembly;
  private readonly out = new OutputBuffer();
  private readonly ready = new ReadyQueue();
  private readonly info = newHeaderListInfo();
  private readonly checkOptions: HeaderListCheckOptions = { connectProtocolEnabled: false };
  private readonly neverIndexed: string[] = [];
  private clock: number;
  private readonly createdAt: number;
  private prefaceDoneAt = Number.NaN;
  private remoteSettingsSeen = false;
  private dead = false;
  /** Stream state changes, once `watchStreamStates()` asked for them. */
  private stateLog: StreamStateLog | undefined = undefined;
  private peerMaxConcurrent: number;
  private floor: number;
  // Our settings as enforced (see LocalSettingsSync.permissive).
  private recvInitialWindow = 65535;
  private localMaxConcurrent = 0xffffffff;
  private appliedHeaderTableSize = 4096;
  private appliedMaxFrameSize = 16384;
  private appliedHeaderListSize: number;
  // Counters.
  private activeLocal = 0;
  private activeRemote = 0;
  private reservedLocal = 0;
  private reservedRemote = 0;
  private invalidFrames = 0;
  private rejectedStreams = 0;
  private emptyDataFrames = 0;
  private totalQueued = 0;
  private lastProcStreamId = 0;
  /** Highest peer-initiated stream handed to the layer above: GOAWAY's last stream id (§6.8: might have been processed). */
  private lastAcceptedRemote = 0;
  private pendingDecoderError: H2Error | undefined = undefined;
  private goawaySentInfo: GoawayInfo | undefined = undefined;
  private goawayReceivedInfo: GoawayInfo | undefined = undefined;

  /**
   * Creates the connection and queues our preface: the client connection
   * preface and SETTINGS (client), or SETTINGS (server) (§3.4).
   * @throws H2Error (`user`) when `options.settings` holds an invalid value.
   */
  constructor(options: ConnectionOptions, events: ConnectionEvents) {
    this.role = options.role;
    this.roleNum = options.role === 'client' ? StreamRole.CLIENT : StreamRole.SERVER;
    this.events = events;
    const limits = (this.limits = resolveLimits(options.limits));
    this.clock = this.createdAt = options.now ?? 0;
    this.paddingStrategy = options.paddingStrategy ?? 0;
    this.decoder = new FrameDecoder({ expectPreface: options.role === 'server' });
    this.sink = {
      frame: (frame) => {
        this.onFrame(frame);
        if (this.dead) throw ABORT;
      },
      error: (error) => {
        this.onDecodeError(error);
        if (this.dead) throw ABORT;
      },
    };
    this.hpackIn = new HpackDecoder({ maxHeaderListSize: limits.maxHeaderListSize, maxHeaderListPairs: limits.maxHeaderListPairs });
    this.appliedHeaderListSize = limits.maxHeaderListSize;
    this.hpackOut = new HpackEncoder({ maxDeflateDynamicTableSize: options.maxDeflateDynamicTableSize });
    this.ids = new StreamIds(this.roleNum);
    this.closedStreams = new ClosedStreams({ maxCount: limits.maxClosedStreams, ttl: limits.closedStreamTtl });
    this.pings = new PingTracker(limits.maxOutstandingPings);
    this.resetBucket = new TokenBucket(limits.streamResetBurst, limits.streamResetRate, this.clock);
    this.glitchBucket = new TokenBucket(limits.glitchBurst, limits.glitchRate, this.clock);
    this.assembly = new HeaderAssembly(limits.maxHeaderBlockSize, limits.maxContinuationFrames);
    this.peerMaxConcurrent = options.peerMaxConcurrentStreams ?? 100;
    const autoTune = options.autoTuneWindow ?? options.role === 'client';
    this.recvWindowOptions = autoTune ? { autoTune: true, maxWindow: options.autoTuneMaxWindow ?? DEFAULT_AUTOTUNE_MAX_WINDOW } : undefined;
    this.connRecv = new RecvWindow(0, 65535, autoTune ? { ...this.recvWindowOptions, now: this.clock } : undefined);
    this.floor = dataFrameFloor(this.remote.initialWindowSize, this.remote.maxFrameSize, limits.minDataFrame);
    if (options.role === 'client') this.out.pushRaw(CLIENT_PREFACE);
    this.sendSettings(options.settings ?? []);
    const connectionWindow = options.connectionWindowSize ?? DEFAULT_CONNECTION_WINDOW_SIZE;
    if (connectionWindow !== 65535) this.setLocalWindowSize(connectionWindow);
  }

  // ===========================================================================
  // Read-only state

  /** The settings the peer has acknowledged (Node's `localSettings`). */
  get localSettings(): SettingsValues {
    return this.local.acked;
  }

  /** The peer's settings in force (Node's `remoteSettings`). */
  get remoteSettings(): SettingsValues {
    return this.remote;
  }

  /** Whether some of our SETTINGS await acknowledgement. */
  get pendingSettingsAck(): boolean {
    return this.local.pendingCount > 0;
  }

  /** The GOAWAY we sent, if any. */
  get goawaySent(): GoawayInfo | undefined {
    return this.goawaySentInfo;
  }

  /** The GOAWAY we received, if any (the lowest last-stream-id if several). */
  get goawayReceived(): GoawayInfo | undefined {
    return this.goawayReceivedInfo;
  }

  /**
   * True once nothing more can happen: the connection failed, or a GOAWAY was
   * sent or received and every stream is closed. Take the output, then close
   * the transport.
   */
  get closed(): boolean {
    return (
      this.dead ||
      ((this.goawaySentInfo !== undefined || this.goawayReceivedInfo !== undefined) &&
        this.streams.size === 0 &&
        this.waitingHead === this.waiting.length)
    );
  }

  /** True after a connection error: input is ignored and commands throw. */
  get failed(): boolean {
    return this.dead;
  }

  /**
   * Starts recording every stream state change (RFC 9113 §5.1), for
   * {@link takeStreamStates}; idempotent. Off until asked: the log costs an
   * object per transition. Returns the number of changes recorded so far, so
   * that a watcher reading a stream's `state` now can skip the changes
   * already reflected in it.
   */
  watchStreamStates(): number {
    this.stateLog ??= new StreamStateLog();
    return this.stateLog.seq;
  }

  /**
   * The stream state changes since the last call, oldest first (`undefined`
   * if none, or if {@link watchStreamStates} was never called). Take them
   * after each `receive()`, `tick()`, `takeOutput()`, `transportClosed()` and
   * command: they are kept until taken.
   */
  takeStreamStates(): StreamStateChange[] | undefined {
    return this.stateLog?.take();
  }

  /** Octets framed and waiting in `takeOutput()` (for write backpressure). */
  get outputBytes(): number {
    return this.out.bytes;
  }

  /** Whether `takeOutput()` would return something (framed output, or DATA the windows allow). */
  get wantsWrite(): boolean {
    return this.out.bytes > 0 || (!this.dead && !this.ready.empty && this.connSend.available > 0);
  }

  /** The input clock as last seen (ms). */
  get now(): number {
    return this.clock;
  }

  /**
   * Octets the connection holds for `maxSessionMemory`: framed output, queued
   * writes, received DATA not yet consumed, both HPACK tables, header blocks
   * and frames in assembly, and a fixed charge per stream.
   */
  get memoryUsage(): number {
    return (
      this.out.bytes +
      this.totalQueued +
      this.connRecv.buffered +
      this.hpackIn.tableSize +
      this.hpackOut.tableSize +
      this.assembly.bufferedBytes +
      this.decoder.bufferedBytes +
      (this.streams.size + this.waiting.length - this.waitingHead) * STREAM_MEMORY_OVERHEAD
    );
  }

  /** Node's `session.state`. */
  get state(): ConnectionState {
    return {
      effectiveLocalWindowSize: this.connRecv.target,
      effectiveRecvDataLength: this.connRecv.target - this.connRecv.window,
      nextStreamID: this.ids.nextLocalId,
      localWindowSize: this.connRecv.window,
      lastProcStreamID: this.lastProcStreamId,
      remoteWindowSize: this.connSend.available,
      outboundQueueSize: this.out.frames,
      deflateDynamicTableSize: this.hpackOut.tableSize,
      inflateDynamicTableSize: this.hpackIn.tableSize,
    };
  }

  /** Where each limit stands. */
  get counters(): ConnectionCounters {
    return {
      activeStreams: this.streams.size,
      waitingStreams: this.waiting.length - this.waitingHead,
      reservedRemoteStreams: this.reservedRemote,
      closedStreamsRemembered: this.closedStreams.size,
      invalidFrames: this.invalidFrames,
      rejectedStreams: this.rejectedStreams,
      emptyDataFrames: this.emptyDataFrames,
      resetTokens: this.resetBucket.level(this.clock),
      glitchTokens: this.glitchBucket.level(this.clock),
      outboundControlFrames: this.out.control,
      memory: this.memoryUsage,
    };
  }

  // ===========================================================================
  // Input

  /**
   * Feeds bytes received from the transport at input time `now`. Events fire
   * before this returns. Never throws: peer errors become RST_STREAM or GOAWAY
   * (+ `events.error`), and so does any exception (INTERNAL_ERROR).
   */
  receive(chunk: Uint8Array, now: number): void {
    if (now > this.clock) this.clock = now;
    if (this.dead) return;
    try {
      this.checkTimers();
      if (this.dead) return;
      this.decoder.write(chunk, this.sink);
      this.flushDecoderError();
      if (this.role === 'server' && Number.isNaN(this.prefaceDoneAt) && !this.decoder.awaitingPreface) this.prefaceDoneAt = this.clock;
    } catch (e) {
      if (e !== ABORT) this.internalError(e);
    }
  }

  /** Advances the clock: fires the settings-ACK, preface and header-phase timeouts that are due. Never throws. */
  tick(now: number): void {
    if (now > this.clock) this.clock = now;
    if (this.dead) return;
    try {
      this.checkTimers();
      this.closedStreams.prune(this.clock);
    } catch (e) {
      if (e !== ABORT) this.internalError(e);
    }
  }

  /** When `tick()` next has work to do (input clock), or `undefined` if nothing is timed. */
  nextDeadline(): number | undefined {
    if (this.dead) return undefined;
    let d = Infinity;
    const limits = this.limits;
    if (!this.remoteSettingsSeen) {
      if (this.role === 'client' || this.decoder.awaitingPreface || Number.isNaN(this.prefaceDoneAt)) {
        d = this.createdAt + limits.prefaceTimeout;
      } else {
        d = this.prefaceDoneAt + limits.firstSettingsTimeout;
      }
    }
    const sentAt = this.local.oldestSentAt;
    if (sentAt !== undefined && sentAt + limits.settingsTimeout < d) d = sentAt + limits.settingsTimeout;
    if (this.assembly.active && this.assembly.startedAt + limits.headerPhaseTimeout < d) d = this.assembly.startedAt + limits.headerPhaseTimeout;
    return d === Infinity ? undefined : d;
  }

  /**
   * Everything produced since the last call, in wire order, or `undefined`.
   * Frames DATA first, as the windows allow: about `dataBytes` octets of it at
   * most (default {@link OUTPUT_BATCH_BYTES}, 1 MiB; the last frame may go
   * past it); call again while {@link wantsWrite}. DATA chunks reference the
   * buffers given to `write()`: do not modify those until written.
   */
  takeOutput(dataBytes: number = OUTPUT_BATCH_BYTES): Uint8Array[] | undefined {
    if (!this.dead) {
      try {
        this.scheduleData(dataBytes);
      } catch (e) {
        if (e !== ABORT) this.internalError(e);
      }
    }
    return this.out.take();
  }

  // ===========================================================================
  // Commands

  /**
   * The transport is gone (its socket closed or failed) while the connection
   * was still open: nothing more is received or sent. Every stream still open
   * or waiting for a slot closes now (`streamClosed`, CANCEL, initiator
   * `local`), so that whatever waits on one (a body being sent under
   * backpressure, a response awaited) settles instead of waiting forever —
   * a file being served is closed at once, not when the garbage collector
   * finds it. Requests never sent (still waiting for a stream slot) are
   * `retryable`. No frame is produced; the connection is `closed` after.
   * Idempotent.
   * @param cause why the transport went, when it failed (a socket error, as
   *   an `H2Error` of kind `io`): each stream closed here carries it as its
   *   `error`, and it is reported once by `events.error`.
   */
  transportClosed(cause?: H2Error): void {
    if (this.dead) return;
    this.dead = true;
    this.assembly.clear();
    this.pendingDecoderError = undefined;
    for (const s of this.takeEveryStream()) {
      if (s.closeReported) continue;
      // Still waiting for a stream slot: never sent.
      if (s.id === 0) s.retryable = true;
      if (cause !== undefined && s.error === undefined) s.error = cause;
      this.setState(s, S.CLOSED_LOCAL_RESET);
      this.finish(s, ErrorCode.CANCEL, 'local');
    }
    // Nothing can be sent any more.
    this.out.take();
    if (cause !== undefined) this.events.error(cause);
  }

  /**
   * Client: opens a stream with request `fields` (pseudo-headers first). If the
   * peer's MAX_CONCURRENT_STREAMS is reached the stream waits with id 0 and
   * starts (`events.streamStarted`) when a slot frees; writes are queued
   * meanwhile.
   */
  request(fields: ReadonlyArray<readonly [string, string]>, opts?: RequestOptions): CoreStream {
    // Never sent, so safe to retry on a new connection (as after a GOAWAY, below).
    if (this.dead) throw userError('the connection is closed: no new streams on it', ErrorCode.REFUSED_STREAM, 0, true);
    if (this.role !== 'client') throw userError('request() is for clients: a server answers with respond() or push()');
    if (this.goawayReceivedInfo !== undefined) {
      // Never sent, so safe to retry on a new connection.
      throw userError('the peer sent GOAWAY: no new streams on this connection (RFC 9113 §6.8)', ErrorCode.REFUSED_STREAM, 0, true);
    }
    if (this.goawaySentInfo !== undefined) {
      // We are closing (as node:http2 refuses a request on a session being closed): never sent, safe to retry elsewhere.
      throw userError('GOAWAY was sent: this connection is closing, no new streams on it', ErrorCode.REFUSED_STREAM, 0, true);
    }
    if (this.ids.nextLocalId === 0) throw userError('stream identifiers are exhausted (RFC 9113 §5.1.1)', ErrorCode.REFUSED_STREAM, 0, true);
    if (fieldValue(fields, ':protocol') !== undefined && this.remote.enableConnectProtocol !== 1) {
      throw userError('the peer did not enable extended CONNECT (SETTINGS_ENABLE_CONNECT_PROTOCOL, RFC 8441 §3)');
    }
    const s = new StreamRecord(this, 0, true);
    s.context = opts?.context;
    s.pendingFields = fields;
    s.pendingEndStream = opts?.endStream === true;
    s.pendingPriority = opts?.priority;
    s.pendingSensitive = opts?.sensitive;
    s.headRequest = fieldValue(fields, ':method') === 'HEAD';
    if (s.pendingEndStream) s.ended = s.endSent = true;
    if (this.waitingHead === this.waiting.length && this.activeLocal < this.peerMaxConcurrent) this.startRequest(s);
    else this.waiting.push(s);
    return s;
  }

  /** Server: sends the final response `fields` (`:status` ≥ 200) on `stream`. */
  respond(stream: CoreStream, fields: ReadonlyArray<readonly [string, string]>, opts?: RespondOptions): void {
    this.checkOpen();
    const s = this.own(stream);
    if (this.role !== 'server') throw userError('respond() is for servers', ErrorCode.PROTOCOL_ERROR, s.id);
    if (s.headersSent) throw userError(`response headers already sent on stream ${s.id}`, ErrorCode.PROTOCOL_ERROR, s.id);
    const status = statusOf(fields);
    if (!(status >= 200 && status <= 999)) {
      throw userError(`a final response needs a :status of 200-999, got ${fieldValue(fields, ':status')} (RFC 9113 §8.3.2)`, ErrorCode.PROTOCOL_ERROR, s.id);
    }
    const end = opts?.endStream === true;
    const t = this.sendCheck(s, end ? I.SEND_HEADERS_END_STREAM : I.SEND_HEADERS);
    this.emitHeaders(s.id, fields, end, undefined, opts?.sensitive);
    s.headersSent = true;
    s.sentHeaders = fields;
    if (end) s.ended = s.endSent = true;
    this.setState(s, t.next);
    if (isClosed(s.state)) this.finish(s, 0, 'none');
  }

  /** Server: sends an informational (1xx, not 101) response; several may precede the final one (§8.1). */
  informational(stream: CoreStream, fields: ReadonlyArray<readonly [string, string]>): void {
    this.checkOpen();
    const s = this.own(stream);
    if (this.role !== 'server') throw userError('informational() is for servers', ErrorCode.PROTOCOL_ERROR, s.id);
    if (s.headersSent) throw userError(`the final response was already sent on stream ${s.id}`, ErrorCode.PROTOCOL_ERROR, s.id);
    const status = statusOf(fields);
    if (!(status >= 100 && status < 200) || status === 101) {
      throw userError(`an informational response needs a 1xx :status other than 101 (RFC 9113 §8.1, §8.6)`, ErrorCode.PROTOCOL_ERROR, s.id);
    }
    const t = this.sendCheck(s, I.SEND_HEADERS);
    this.emitHeaders(s.id, fields, false, undefined, undefined);
    this.setState(s, t.next);
  }

  /**
   * Server: promises a pushed response to the request `fields` on `parent`
   * (PUSH_PROMISE, §8.4) and returns the reserved stream; answer it with
   * `respond()`. Throws when the peer disabled push or its
   * MAX_CONCURRENT_STREAMS is reached.
   */
  push(parent: CoreStream, fields: ReadonlyArray<readonly [string, string]>): CoreStream {
    this.checkOpen();
    const p = this.own(parent);
    if (this.role !== 'server') throw userError('a client cannot push (RFC 9113 §8.4)');
    if (this.remote.enablePush === 0) throw userError('the peer disabled push (SETTINGS_ENABLE_PUSH = 0, RFC 9113 §8.4)');
    if (this.goawayReceivedInfo !== undefined) throw userError('the peer sent GOAWAY: no new streams (RFC 9113 §6.8)', ErrorCode.REFUSED_STREAM);
    if (p.local) throw userError('PUSH_PROMISE must be sent on a stream the client opened (RFC 9113 §6.6)', ErrorCode.PROTOCOL_ERROR, p.id);
    const t = transition(this.roleNum, p.state, I.SEND_PUSH_PROMISE);
    if (t.outcome !== Outcome.OK) throw transitionError(t, p.id, p.state, I.SEND_PUSH_PROMISE);
    if (this.activeLocal + this.reservedLocal >= this.peerMaxConcurrent) {
      throw userError(`the peer's MAX_CONCURRENT_STREAMS (${this.peerMaxConcurrent}) is reached`, ErrorCode.REFUSED_STREAM);
    }
    const id = this.ids.allocateLocal();
    if (id === 0) throw userError('stream identifiers are exhausted (RFC 9113 §5.1.1)', ErrorCode.REFUSED_STREAM);
    const s = this.newStream(id, true);
    s.pushed = true;
    s.headRequest = fieldValue(fields, ':method') === 'HEAD';
    this.setState(s, transition(this.roleNum, S.IDLE, I.SEND_RESERVE).next);
    const block = this.hpackOut.encode(fields);
    const frames = splitPushPromiseBlock(p.id, id, block, {}, this.remote.maxFrameSize);
    for (let i = 0; i < frames.length; i++) this.emit(frames[i]!);
    return s;
  }

  /** Server: an ALTSVC frame (RFC 7838 §4): `origin` on stream 0, empty on any other stream. */
  altsvc(streamId: number, origin: string, value: string): void {
    this.checkOpen();
    if (this.role !== 'server') throw userError('ALTSVC is sent by servers (RFC 7838 §4)');
    if ((streamId === 0) !== (origin.length > 0)) {
      throw userError('ALTSVC carries an origin exactly when sent on stream 0 (RFC 7838 §4)');
    }
    const frame: AltsvcFrame = { type: FrameType.ALTSVC, streamId, origin, fieldValue: value };
    this.emit(frame);
  }

  /** Server: an ORIGIN frame (RFC 8336). */
  origin(origins: string[]): void {
    this.checkOpen();
    if (this.role !== 'server') throw userError('ORIGIN is sent by servers (RFC 8336 §2)');
    const frame: OriginFrame = { type: FrameType.ORIGIN, streamId: 0, origins };
    this.emit(frame);
  }

  /**
   * Queues `data` on `stream` (not copied: do not modify it until written).
   * DATA frames leave in `takeOutput()` as the windows allow. `endStream`
   * ends the stream after it.
   */
  write(stream: CoreStream, data: Uint8Array, endStream = false): void {
    this.checkOpen();
    const s = this.own(stream);
    this.checkWritable(s, 'write');
    const n = data.length;
    if (n > 0) {
      s.enqueue(data);
      this.totalQueued += n;
      if (s.queuedBytes >= WRITABLE_LOW_WATER) s.needWritable = true;
      if (s.headersSent) this.ready.push(s);
    }
    if (endStream) this.end(s);
  }

  /** Ends our side of `stream` (END_STREAM after the queued data). Idempotent. */
  end(stream: CoreStream): void {
    this.checkOpen();
    const s = this.own(stream);
    if (s.ended || s.closeReported) return;
    this.checkWritable(s, 'end');
    s.ended = true;
    if (s.headersSent && s.queuedBytes === 0) this.emitEnd(s);
  }

  /** Ends `stream` with trailers (HEADERS + END_STREAM after the queued data, §8.1). */
  trailers(stream: CoreStream, fields: ReadonlyArray<readonly [string, string]>, opts?: { sensitive?: ReadonlySet<string> }): void {
    this.checkOpen();
    const s = this.own(stream);
    this.checkWritable(s, 'trailers');
    s.trailerFields = fields;
    s.trailerSensitive = opts?.sensitive;
    s.ended = true;
    if (s.headersSent && s.queuedBytes === 0) this.emitEnd(s);
  }

  /**
   * Resets `stream` with RST_STREAM(`code`) (default NO_ERROR, as Node's
   * `stream.close()`); queued data is dropped. A no-op on a closed stream or
   * a failed connection.
   */
  reset(stream: CoreStream, code: number = ErrorCode.NO_ERROR): void {
    const s = this.own(stream);
    if (this.dead || s.closeReported) return;
    s.rstCode = code;
    if (s.id === 0) {
      this.setState(s, S.CLOSED_LOCAL_RESET);
      this.finish(s, code, 'local');
      return;
    }
    const t = transition(this.roleNum, s.state, I.SEND_RST_STREAM);
    if (t.outcome === Outcome.USER_ERROR) throw transitionError(t, s.id, s.state, I.SEND_RST_STREAM);
    if (t.outcome === Outcome.OK) this.emitRst(s.id, code);
    this.setState(s, isClosed(t.next) ? t.next : S.CLOSED_LOCAL_RESET);
    this.finish(s, code, 'local');
  }

  /**
   * The consumer has read `n` more octets of `stream`'s DATA: credits the
   * stream and connection receive windows; WINDOW_UPDATEs go out once half a
   * window is owed (DESIGN principle 4: credit on reads only).
   */
  consumed(stream: CoreStream, n: number): void {
    const s = this.own(stream);
    if (this.dead || n === 0 || s.recvRefunded || s.recvWindow === undefined) return;
    if (!(Number.isInteger(n) && n > 0 && n <= s.recvWindow.buffered)) {
      throw userError(`consumed(${n}) on stream ${s.id}, which has ${s.recvWindow.buffered} octets unread`, ErrorCode.INTERNAL_ERROR, s.id);
    }
    const inc = s.recvWindow.consumed(n, this.clock);
    if (inc > 0 && canReceiveData(s.state)) this.emitWindowUpdate(s.id, inc, false);
    const cinc = this.connRecv.consumed(n, this.clock);
    if (cinc > 0) this.emitWindowUpdate(0, cinc, false);
  }

  /**
   * Sends a PING (RFC 9113 §6.7) with `payload` (8 octets; default a counter).
   * Returns false, sending nothing, when `maxOutstandingPings` are unanswered.
   */
  ping(payload?: Uint8Array): boolean {
    this.checkOpen();
    const p = payload === undefined ? this.pings.nextPayload() : payload.slice();
    if (p.length !== PING_PAYLOAD_LENGTH) throw userError(`a PING payload is 8 octets, got ${p.length} (RFC 9113 §6.7)`);
    if (!this.pings.send(p, this.clock)) return false;
    const frame: PingFrame = { type: FrameType.PING, streamId: 0, ack: false, payload: p };
    this.emit(frame);
    return true;
  }

  /**
   * Sends new SETTINGS; limits on what the peer sends us take effect when
   * acknowledged (increases at once: see `LocalSettingsSync`). Throws when
   * `maxOutstandingSettings` are unacknowledged or a value is out of range.
   */
  settings(entries: ReadonlyArray<readonly [number, number]>): void {
    this.checkOpen();
    if (this.local.pendingCount >= this.limits.maxOutstandingSettings) {
      throw userError(`${this.local.pendingCount} SETTINGS frames already await acknowledgement (maxOutstandingSettings)`);
    }
    this.sendSettings(entries);
  }

  /**
   * Sends GOAWAY(`code`, `lastStreamId`): graceful by default — streams up to
   * `lastStreamId` (default: the highest the peer opened) continue, peer
   * streams above it are closed as refused and later ones ignored (§6.8).
   */
  goaway(code: number = ErrorCode.NO_ERROR, lastStreamId?: number, debugData: Uint8Array = EMPTY): void {
    this.checkOpen();
    let last = lastStreamId ?? this.lastAcceptedRemote;
    // §6.8: endpoints MUST NOT increase the last stream identifier they send.
    if (this.goawaySentInfo !== undefined && last > this.goawaySentInfo.lastStreamId) last = this.goawaySentInfo.lastStreamId;
    const debug = debugData.slice();
    const frame: GoawayFrame = { type: FrameType.GOAWAY, streamId: 0, lastStreamId: last, errorCode: code, debugData: debug };
    this.emit(frame);
    this.goawaySentInfo = { lastStreamId: last, code, debugData: debug };
    // Our requests still waiting for a stream slot never leave now: refused, safe to retry elsewhere.
    this.closeWaiting('local');
    for (const s of Array.from(this.streams.values())) {
      if (!s.local && s.id > last && !s.closeReported) {
        s.retryable = true;
        s.rstCode = ErrorCode.REFUSED_STREAM;
        this.setState(s, S.CLOSED_LOCAL_RESET);
        this.finish(s, ErrorCode.REFUSED_STREAM, 'local');
      }
    }
    this.events.goaway(last, code, debug, 'local');
  }

  /** Node's `setLocalWindowSize`: sets the connection receive window target (§6.9.2). */
  setLocalWindowSize(size: number): void {
    this.checkOpen();
    let inc: number;
    try {
      inc = this.connRecv.setLocalWindowSize(size);
    } catch (e) {
      throw userError((e as Error).message);
    }
    if (inc > 0) this.emitWindowUpdate(0, inc, false);
  }

  /** Sends PRIORITY for `stream` (RFC 9113 §6.3; no tree is kept on either side). */
  priority(stream: CoreStream, spec: PrioritySpec): void {
    this.checkOpen();
    const s = this.own(stream);
    if (!(Number.isInteger(spec.weight) && spec.weight >= 1 && spec.weight <= 256)) {
      throw userError(`priority weight must be an integer in 1..256, got ${spec.weight}`);
    }
    if (s.id === 0) {
      s.pendingPriority = spec;
      return;
    }
    if (spec.dependsOn === s.id) throw userError(`stream ${s.id} cannot depend on itself (RFC 9113 §5.3.1)`, ErrorCode.PROTOCOL_ERROR, s.id);
    this.emit({ type: FrameType.PRIORITY, streamId: s.id, priority: spec });
  }

  // ===========================================================================
  // Receive path

  private onDecodeError(error: H2Error): void {
    if (error.scope === 'connection') return this.fail(error);
    // A frame that was dropped with a stream error still breaks the connection-phase rules.
    if (!this.remoteSettingsSeen) return this.fail(H2Error.connection(ErrorCode.PROTOCOL_ERROR, `${error.message}; and the first frame must be SETTINGS (RFC 9113 §3.4)`));
    if (this.assembly.active) {
      return this.fail(H2Error.connection(ErrorCode.PROTOCOL_ERROR, `${error.message}; inside a header block (RFC 9113 §4.3)`));
    }
    // Held until the next frame: a self-dependent HEADERS is reported and then delivered (see FrameDecoder).
    this.flushDecoderError();
    this.pendingDecoderError = error;
  }

  private flushDecoderError(): void {
    const e = this.pendingDecoderError;
    if (e === undefined) return;
    this.pendingDecoderError = undefined;
    this.decoderStreamError(e);
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
  private decoderStreamError(e: H2Error): void {
    const id = e.streamId;
    const s = this.streams.get(id);
    const state = this.stateOf(id, s);
    if (state === S.IDLE) {
      return this.fail(H2Error.connection(e.code, `${e.message}; on idle stream ${id}, which RST_STREAM cannot name (RFC 9113 §6.4)`, e.limit));
    }
    if (state === S.CLOSED_LOCAL_RESET) return;
    this.peerStreamError(id, s, e);
  }

  private onFrame(frame: Frame): void {
    let selfDependent = false;
    const pending = this.pendingDecoderError;
    if (pending !== undefined) {
      this.pendingDecoderError = undefined;
      if (
        frame.unknown !== true &&
        frame.type === FrameType.HEADERS &&
        frame.streamId === pending.streamId &&
        frame.priority !== undefined &&
        frame.priority.dependsOn === frame.streamId
      ) {
        selfDependent = true;
      } else {
        this.decoderStreamError(pending);
        if (this.dead) return;
      }
    }
    const tap = this.events.frame;
    if (tap !== undefined) tap.call(this.events, frame, 'in');
    const phase = !this.remoteSettingsSeen
      ? FramePhase.AWAITING_SETTINGS
      : this.assembly.active
        ? FramePhase.IN_HEADER_BLOCK
        : FramePhase.OPEN;
    const rule = frameGate(phase, frame.type, frame.unknown === true);
    if (rule !== undefined) return this.fail(H2Error.connection(ErrorCode.PROTOCOL_ERROR, `frame of type 0x${frame.type.toString(16)} on stream ${frame.streamId}: ${rule}`));
    if (frame.unknown === true) {
      this.events.unknownFrame?.(frame);
      return;
    }
    switch (frame.type) {
      case FrameType.DATA:
        return this.onData(frame);
      case FrameType.HEADERS:
        return this.onHeaders(frame, selfDependent);
      case FrameType.PRIORITY:
        return; // §5.3.2: no priority tree; the decoder already rejected a self-dependency (SECURITY #12: O(1)).
      case FrameType.RST_STREAM:
        return this.onRstStream(frame);
      case FrameType.SETTINGS:
        return this.onSettings(frame);
      case FrameType.PUSH_PROMISE:
        return this.onPushPromise(frame);
      case FrameType.PING:
        return this.onPing(frame);
      case FrameType.GOAWAY:
        return this.onGoaway(frame);
      case FrameType.WINDOW_UPDATE:
        return this.onWindowUpdate(frame);
      case FrameType.CONTINUATION:
        return this.onContinuation(frame);
      case FrameType.ALTSVC:
        // RFC 7838 §4: a server receiving ALTSVC MUST ignore it.
        if (this.role === 'client') this.events.altsvc?.(frame.streamId, frame.origin, frame.fieldValue);
        return;
      case FrameType.ORIGIN:
        // RFC 8336 §2.1: only meaningful from a server.
        if (this.role === 'client') this.events.origin?.(frame.origins);
        return;
    }
  }

  private stateOf(id: number, s: StreamRecord | undefined): StreamState {
    return s !== undefined ? s.state : inactiveStreamState(id, this.clock, this.closedStreams, this.ids);
  }

  /** Acts on a non-OK table cell for a received frame. */
  private onRejected(t: Transition, s: StreamRecord | undefined, id: number, state: StreamState, input: StreamInput): void {
    if (t.outcome === Outcome.CONNECTION_ERROR) this.fail(transitionError(t, id, state, input));
    else if (t.outcome === Outcome.STREAM_ERROR) this.peerStreamError(id, s, transitionError(t, id, state, input));
    // IGNORE: §5.1 "minimally process and then discard"
  }

  private onData(f: DataFrame): void {
    const id = f.streamId;
    const len = flowControlledLength(f);
    // §6.9.1: every DATA frame counts against the connection window, whatever its stream.
    const cerr = this.connRecv.receive(len);
    if (cerr !== undefined) return this.fail(cerr);
    this.lastProcStreamId = id;
    const s = this.streams.get(id);
    const state = this.stateOf(id, s);
    const input = f.endStream ? I.RECV_DATA_END_STREAM : I.RECV_DATA;
    const t = transition(this.roleNum, state, input);
    if (t.outcome !== Outcome.OK || s === undefined) {
      // SECURITY #16: DATA nobody will read is refunded to the connection window at once.
      this.refundConnection(len);
      return this.onRejected(t, s, id, state, input);
    }
    if (f.data.length === 0 && !f.endStream && ++this.emptyDataFrames > this.limits.maxEmptyDataFrames) {
      this.refundConnection(len);
      return this.fail(H2Error.connection(ErrorCode.ENHANCE_YOUR_CALM, `more than ${this.limits.maxEmptyDataFrames} empty DATA frames (SECURITY #4, CVE-2019-9518)`, 'maxEmptyDataFrames'));
    }
    const serr = s.recvWindow.receive(len);
    if (serr !== undefined) {
      this.refundConnection(len);
      return this.peerStreamError(id, s, serr);
    }
    if (f.padding !== undefined) {
      // Padding is flow-controlled (§6.1) but nobody reads it: refund it now.
      const pad = f.padding + 1;
      const inc = s.recvWindow.refund(pad);
      if (inc > 0 && !f.endStream && canReceiveData(s.state)) this.emitWindowUpdate(id, inc, true);
      this.refundConnection(pad);
      if (this.dead) return;
    }
    if (!s.finalReceived) {
      return this.peerStreamError(id, s, H2Error.stream(id, ErrorCode.PROTOCOL_ERROR, `DATA on stream ${id} before the response HEADERS (RFC 9113 §8.1)`));
    }
    const received = (s.receivedLength += f.data.length);
    const expected = s.expectedLength;
    if (expected >= 0 && (received > expected || (f.endStream && received !== expected))) {
      return this.peerStreamError(id, s, H2Error.stream(id, ErrorCode.PROTOCOL_ERROR, `content-length ${expected} but ${received}${f.endStream ? '' : '+'} octets of DATA on stream ${id} (RFC 9113 §8.1.1)`));
    }
    this.setState(s, t.next);
    this.events.streamData(s, f.data, f.endStream);
    if (isClosed(s.state)) this.finish(s, 0, 'none');
  }

  private onHeaders(f: HeadersFrame, selfDependent: boolean): void {
    if (f.endHeaders) return this.onHeaderBlock(f.streamId, f.headerBlock, f.endStream, selfDependent);
    const a = this.assembly;
    const err = a.start(f.streamId, f.headerBlock, this.clock);
    a.isPush = false;
    a.endStream = f.endStream;
    a.selfDependent = selfDependent;
    if (err !== undefined) this.fail(err);
  }

  private onPushPromise(f: PushPromiseFrame): void {
    if (f.endHeaders) return this.onPushPromiseBlock(f.streamId, f.promisedStreamId, f.headerBlock);
    const a = this.assembly;
    const err = a.start(f.streamId, f.headerBlock, this.clock);
    a.isPush = true;
    a.promisedStreamId = f.promisedStreamId;
    if (err !== undefined) this.fail(err);
  }

  private onContinuation(f: ContinuationFrame): void {
    const a = this.assembly;
    if (f.streamId !== a.streamId) {
      return this.fail(H2Error.connection(ErrorCode.PROTOCOL_ERROR, `CONTINUATION on stream ${f.streamId} inside the header block of stream ${a.streamId} (RFC 9113 §6.10)`));
    }
    const err = a.append(f.headerBlock);
    if (err !== undefined) return this.fail(err);
    if (!f.endHeaders) return;
    const { isPush, promisedStreamId, endStream, selfDependent } = a;
    const block = a.finish();
    if (isPush) this.onPushPromiseBlock(f.streamId, promisedStreamId, block);
    else this.onHeaderBlock(f.streamId, block, endStream, selfDependent);
  }

  /**
   * HPACK-decodes a block. Returns the fields; a {@link HeaderBlockError} for a
   * list over a limit or with an empty name (the context is still in sync: a
   * stream error); or `undefined` after failing the connection
   * (COMPRESSION_ERROR, §4.3).
   */
  private decodeBlock(block: Uint8Array): Array<[string, string]> | HeaderBlockError | undefined {
    this.neverIndexed.length = 0;
    try {
      return this.hpackIn.decode(block, this.neverIndexed);
    } catch (e) {
      if (e instanceof HeaderBlockError) return e;
      if (e instanceof H2Error) {
        this.fail(e);
        return undefined;
      }
      throw e;
    }
  }

  private takeNeverIndexed(): string[] | undefined {
    return this.neverIndexed.length > 0 ? this.neverIndexed.slice() : undefined;
  }

  private onHeaderBlock(id: number, block: Uint8Array, endStream: boolean, selfDependent: boolean): void {
    this.lastProcStreamId = id;
    const s = this.streams.get(id);
    const state = this.stateOf(id, s);
    const input = endStream ? I.RECV_HEADERS_END_STREAM : I.RECV_HEADERS;
    const t = transition(this.roleNum, state, input);
    if (t.outcome === Outcome.CONNECTION_ERROR) return this.fail(transitionError(t, id, state, input));
    const isNew = state === S.IDLE;
    if (isNew) {
      const e = this.ids.acceptRemote(id);
      if (e !== undefined) return this.fail(e);
    }
    // Decoded whatever happens next, so the HPACK context stays in sync (§4.3).
    const fields = this.decodeBlock(block);
    if (fields === undefined) return;
    if (t.outcome !== Outcome.OK) return this.onRejected(t, s, id, state, input);
    if (isNew) return this.openRemoteStream(id, t, fields, endStream, selfDependent);
    const stream = s!;
    if (fields instanceof HeaderBlockError) return this.peerStreamError(id, stream, H2Error.stream(id, fields.code, fields.message, fields.limit));
    if (selfDependent) return this.peerStreamError(id, stream, selfDependencyError(id));
    const info = this.info;
    let kind: HeadersKind;
    if (this.role === 'server' || stream.finalReceived) {
      kind = 'trailers';
      if (!endStream) return this.malformed(stream, 'trailers without END_STREAM (RFC 9113 §8.1)');
      const msg = checkHeaderList(fields, BlockKind.Trailers, this.checkOptions, info);
      if (msg !== undefined) return this.malformed(stream, `malformed trailers: ${msg} (RFC 9113 §8.1.1)`);
    } else {
      const msg = checkHeaderList(fields, BlockKind.Response, this.checkOptions, info);
      if (msg !== undefined) return this.malformed(stream, `malformed response: ${msg} (RFC 9113 §8.1.1)`);
      const status = info.status!;
      if (status < 200) {
        if (status === 101) return this.malformed(stream, 'status 101 is not allowed in HTTP/2 (RFC 9113 §8.6)');
        if (endStream) return this.malformed(stream, 'an informational response with END_STREAM (RFC 9113 §8.1)');
        kind = 'informational';
      } else {
        kind = 'response';
        stream.finalReceived = true;
        stream.endAfterHeaders = endStream;
        // HEAD, 204 and 304 responses may announce a length but carry no content (RFC 9110 §6.4.1).
        stream.expectedLength = stream.headRequest || status === 204 || status === 304 ? 0 : info.contentLength;
      }
    }
    if (endStream && stream.expectedLength > 0 && stream.receivedLength !== stream.expectedLength) {
      return this.malformed(stream, `content-length ${stream.expectedLength} but ${stream.receivedLength} octets of DATA (RFC 9113 §8.1.1)`);
    }
    this.setState(stream, t.next);
    this.events.streamHeaders(stream, fields, kind, endStream, this.takeNeverIndexed());
    if (isClosed(stream.state)) this.finish(stream, 0, 'none');
  }

  private malformed(s: StreamRecord, message: string): void {
    this.peerStreamError(s.id, s, H2Error.stream(s.id, ErrorCode.PROTOCOL_ERROR, message));
  }

  /** Server: the peer opened stream `id` (already accepted by `StreamIds`). */
  private openRemoteStream(
    id: number,
    t: Transition,
    fields: Array<[string, string]> | HeaderBlockError,
    endStream: boolean,
    selfDependent: boolean,
  ): void {
    // §6.8: after our GOAWAY, newer streams are ignored (their block was decoded above).
    if (this.goawaySentInfo !== undefined && id > this.goawaySentInfo.lastStreamId) {
      this.closedStreams.add(id, S.CLOSED_LOCAL_RESET, this.clock);
      return;
    }
    if (fields instanceof HeaderBlockError) return this.rejectStream(id, fields.code, fields.message, true);
    if (selfDependent) return this.rejectStream(id, ErrorCode.PROTOCOL_ERROR, selfDependencyError(id).message, true);
    const info = this.info;
    const msg = checkHeaderList(fields, BlockKind.Request, this.checkOptions, info);
    if (msg !== undefined) return this.rejectStream(id, ErrorCode.PROTOCOL_ERROR, `malformed request: ${msg} (RFC 9113 §8.1.1)`, true);
    if (endStream && info.contentLength > 0) {
      return this.rejectStream(id, ErrorCode.PROTOCOL_ERROR, `content-length ${info.contentLength} on a request without content (RFC 9113 §8.1.1)`, true);
    }
    if (this.activeRemote >= this.localMaxConcurrent) {
      return this.rejectStream(id, ErrorCode.REFUSED_STREAM, `stream ${id} exceeds SETTINGS_MAX_CONCURRENT_STREAMS ${this.localMaxConcurrent} (RFC 9113 §5.1.2)`, false);
    }
    if (this.memoryUsage > this.limits.maxSessionMemory * 1e6) {
      return this.rejectStream(id, ErrorCode.ENHANCE_YOUR_CALM, `session memory above maxSessionMemory (${this.limits.maxSessionMemory} MB)`, false);
    }
    const s = this.newStream(id, false);
    this.lastAcceptedRemote = id;
    s.finalReceived = true;
    s.handled = true;
    s.endAfterHeaders = endStream;
    s.expectedLength = info.contentLength;
    this.setState(s, t.next);
    this.events.streamHeaders(s, fields, 'request', endStream, this.takeNeverIndexed());
  }

  /** A new peer stream we will not process: RST_STREAM, remembered as reset by us, counted. */
  private rejectStream(id: number, code: number, message: string, malformed: boolean): void {
    this.closedStreams.add(id, S.CLOSED_LOCAL_RESET, this.clock);
    this.emitRst(id, code, true);
    if (this.dead) return;
    if (malformed && !this.countPeerError()) return;
    if (++this.rejectedStreams > this.limits.maxSessionRejectedStreams) {
      this.fail(
        H2Error.connection(
          ErrorCode.ENHANCE_YOUR_CALM,
          `more than ${this.limits.maxSessionRejectedStreams} streams rejected at creation; last: ${message} (SECURITY #3, #13)`,
          'maxSessionRejectedStreams',
        ),
      );
    }
  }

  private onPushPromiseBlock(parentId: number, promisedId: number, block: Uint8Array): void {
    const parent = this.streams.get(parentId);
    const pstate = this.stateOf(parentId, parent);
    const t = transition(this.roleNum, pstate, I.RECV_PUSH_PROMISE);
    if (t.outcome === Outcome.CONNECTION_ERROR) return this.fail(transitionError(t, parentId, pstate, I.RECV_PUSH_PROMISE));
    if (!this.ids.isLocalId(parentId)) {
      return this.fail(H2Error.connection(ErrorCode.PROTOCOL_ERROR, `PUSH_PROMISE on stream ${parentId}, which the client did not open (RFC 9113 §6.6)`));
    }
    // §6.6: having set ENABLE_PUSH=0 and had it acknowledged, a PUSH_PROMISE is a connection error.
    if (this.local.permissive(SettingId.ENABLE_PUSH) === 0) {
      return this.fail(H2Error.connection(ErrorCode.PROTOCOL_ERROR, 'PUSH_PROMISE received with SETTINGS_ENABLE_PUSH = 0 acknowledged (RFC 9113 §6.6, §8.4)'));
    }
    const e = this.ids.acceptRemote(promisedId);
    if (e !== undefined) return this.fail(e);
    const fields = this.decodeBlock(block);
    if (fields === undefined) return;
    // §5.1 closed: a PUSH_PROMISE on a stream we reset still reserves the promised stream; we do not want it.
    if (t.outcome !== Outcome.OK || parent === undefined) return this.refusePush(promisedId, ErrorCode.CANCEL, false);
    if (this.goawaySentInfo !== undefined && promisedId > this.goawaySentInfo.lastStreamId) {
      this.closedStreams.add(promisedId, S.CLOSED_LOCAL_RESET, this.clock);
      return;
    }
    if (fields instanceof HeaderBlockError) return this.refusePush(promisedId, fields.code, true);
    if (this.local.pendingHas(SettingId.ENABLE_PUSH, 0)) return this.refusePush(promisedId, ErrorCode.CANCEL, false);
    // SECURITY #19: reserved streams are bounded; nghttp2 cancels the excess.
    if (this.reservedRemote >= this.limits.maxReservedRemoteStreams) return this.refusePush(promisedId, ErrorCode.CANCEL, false);
    const info = this.info;
    const msg = checkHeaderList(fields, BlockKind.Request, this.checkOptions, info);
    // §8.4: promised requests MUST be safe and cacheable, and without content; else a stream error on the promised stream.
    if (msg !== undefined || (info.method !== 'GET' && info.method !== 'HEAD') || info.contentLength > 0) {
      return this.refusePush(promisedId, ErrorCode.PROTOCOL_ERROR, true);
    }
    const p = this.newStream(promisedId, false);
    this.lastAcceptedRemote = promisedId;
    p.pushed = true;
    p.headRequest = info.method === 'HEAD';
    this.setState(p, transition(this.roleNum, S.IDLE, I.RECV_RESERVE).next);
    this.events.pushPromise(parent, p, fields);
  }

  private refusePush(promisedId: number, code: number, peerError: boolean): void {
    this.closedStreams.add(promisedId, S.CLOSED_LOCAL_RESET, this.clock);
    this.emitRst(promisedId, code, true);
    if (peerError && !this.dead) this.countPeerError();
  }

  private onSettings(f: SettingsFrame): void {
    if (f.ack) {
      if (!this.remoteSettingsSeen) return this.fail(H2Error.connection(ErrorCode.PROTOCOL_ERROR, 'a SETTINGS ACK before the peer\'s SETTINGS (RFC 9113 §3.4)'));
      const sentAt = this.local.oldestSentAt;
      const entries = this.local.ack();
      if (entries === undefined) return this.fail(H2Error.connection(ErrorCode.PROTOCOL_ERROR, 'SETTINGS ACK without SETTINGS awaiting acknowledgement (RFC 9113 §6.5.3)'));
      // A first RTT estimate (the peer answers SETTINGS at once, §6.5.3), until a PING gives a better one.
      if (!this.rttFromPing && sentAt !== undefined) this.setRtt(this.clock - sentAt);
      this.refreshLocal();
      this.events.localSettingsAcked(entries);
      return;
    }
    const entries = f.settings;
    if (entries.length > this.limits.maxSettings) {
      return this.fail(H2Error.connection(ErrorCode.ENHANCE_YOUR_CALM, `SETTINGS frame with ${entries.length} entries, more than ${this.limits.maxSettings} (SECURITY #2)`, 'maxSettings'));
    }
    this.remoteSettingsSeen = true;
    const remote = this.remote;
    const oldInitial = remote.initialWindowSize;
    for (let i = 0; i < entries.length; i++) {
      const [id, value] = entries[i]!;
      switch (id) {
        case SettingId.HEADER_TABLE_SIZE:
          this.hpackOut.setMaxTableSize(value);
          break;
        case SettingId.ENABLE_PUSH:
          if (this.role === 'client' && value === 1) {
            return this.fail(H2Error.connection(ErrorCode.PROTOCOL_ERROR, 'a server sent SETTINGS_ENABLE_PUSH = 1 (RFC 9113 §6.5.2)'));
          }
          break;
        case SettingId.MAX_CONCURRENT_STREAMS:
          this.peerMaxConcurrent = value;
          break;
        case SettingId.INITIAL_WINDOW_SIZE: {
          // §6.9.2: adjust every stream's send window by the difference; it may go negative.
          const delta = value - remote.initialWindowSize;
          if (delta !== 0) {
            for (const s of this.streams.values()) {
              const e = s.sendWindow.applyInitialWindowDelta(delta);
              if (e !== undefined) return this.fail(e);
            }
          }
          break;
        }
      }
      remote.set(id, value);
    }
    this.floor = dataFrameFloor(remote.initialWindowSize, remote.maxFrameSize, this.limits.minDataFrame);
    if (remote.initialWindowSize > oldInitial) {
      for (const s of this.streams.values()) if (s.queuedBytes > 0 && s.headersSent) this.ready.push(s);
    }
    if (!this.emitControl({ type: FrameType.SETTINGS, streamId: 0, ack: true, settings: [] })) return;
    this.maybeStartWaiting();
    this.events.remoteSettings(entries);
  }

  private onPing(f: PingFrame): void {
    if (f.ack) {
      const sentAt = this.pings.ack(f.payload);
      if (sentAt === undefined) return;
      const rtt = this.clock - sentAt;
      this.rttFromPing = true;
      this.setRtt(rtt);
      this.events.pingAck(f.payload.slice(), rtt);
      return;
    }
    const payload = f.payload.slice();
    if (!this.emitControl({ type: FrameType.PING, streamId: 0, ack: true, payload })) return;
    this.events.ping(payload);
  }

  private onGoaway(f: GoawayFrame): void {
    const prev = this.goawayReceivedInfo;
    const last = prev !== undefined && prev.lastStreamId < f.lastStreamId ? prev.lastStreamId : f.lastStreamId;
    const debug = f.debugData.slice();
    this.goawayReceivedInfo = { lastStreamId: last, code: f.errorCode, debugData: debug };
    // §6.8: our streams above `last` were not processed and may be retried (§8.7).
    for (const s of Array.from(this.streams.values())) {
      if (s.local && s.id > last && !s.closeReported) this.closeRefused(s, 'remote');
    }
    this.closeWaiting('remote');
    this.events.goaway(last, f.errorCode, debug, 'remote');
  }

  private onRstStream(f: RstStreamFrame): void {
    const id = f.streamId;
    const s = this.streams.get(id);
    if (s === undefined) {
      const state = this.stateOf(id, s);
      const t = transition(this.roleNum, state, I.RECV_RST_STREAM);
      if (t.outcome !== Outcome.OK) this.onRejected(t, s, id, state, I.RECV_RST_STREAM);
      return;
    }
    // SECURITY #8 Rapid Reset: resets of streams we had started handling are rate-limited.
    if (s.handled && !this.resetBucket.take(this.clock)) {
      return this.fail(
        H2Error.connection(
          ErrorCode.ENHANCE_YOUR_CALM,
          `stream resets above ${this.limits.streamResetBurst} + ${this.limits.streamResetRate}/s (SECURITY #8, Rapid Reset)`,
          'streamResetRate',
        ),
      );
    }
    const t = transition(this.roleNum, s.state, I.RECV_RST_STREAM);
    if (t.outcome !== Outcome.OK) return this.onRejected(t, s, id, s.state, I.RECV_RST_STREAM);
    s.rstCode = f.errorCode;
    if (f.errorCode === ErrorCode.REFUSED_STREAM && s.local) s.retryable = true;
    this.setState(s, t.next);
    this.finish(s, f.errorCode, 'remote');
  }

  private onWindowUpdate(f: WindowUpdateFrame): void {
    const id = f.streamId;
    if (id === 0) {
      const e = this.connSend.increase(f.increment);
      if (e !== undefined) this.fail(e);
      return;
    }
    const s = this.streams.get(id);
    const state = this.stateOf(id, s);
    const t = transition(this.roleNum, state, I.RECV_WINDOW_UPDATE);
    if (t.outcome !== Outcome.OK || s === undefined) return this.onRejected(t, s, id, state, I.RECV_WINDOW_UPDATE);
    const e = s.sendWindow.increase(f.increment);
    if (e !== undefined) return this.peerStreamError(id, s, e);
    if (s.queuedBytes > 0 && s.headersSent) this.ready.push(s);
  }

  /**
   * A stream error caused by the peer (§5.4.2): RST_STREAM(code), the stream
   * (if active) closed as reset by us, and the error counted against
   * `maxSessionInvalidFrames` and the glitch budget (SECURITY #9).
   */
  private peerStreamError(id: number, s: StreamRecord | undefined, err: H2Error): void {
    if (this.dead) return;
    this.emitRst(id, err.code, true);
    if (this.dead) return;
    if (s !== undefined && !s.closeReported) {
      s.error = err;
      s.rstCode = err.code;
      this.setState(s, S.CLOSED_LOCAL_RESET);
      this.finish(s, err.code, 'local');
    }
    this.countPeerError();
  }

  /** Counts one peer-caused stream error; false (and the connection failed) when a budget is exhausted. */
  private countPeerError(): boolean {
    if (this.dead) return false;
    if (++this.invalidFrames > this.limits.maxSessionInvalidFrames) {
      this.fail(H2Error.connection(ErrorCode.ENHANCE_YOUR_CALM, `more than ${this.limits.maxSessionInvalidFrames} invalid frames from the peer`, 'maxSessionInvalidFrames'));
      return false;
    }
    if (!this.glitchBucket.take(this.clock)) {
      this.fail(
        H2Error.connection(
          ErrorCode.ENHANCE_YOUR_CALM,
          `peer-caused stream errors above ${this.limits.glitchBurst} + ${this.limits.glitchRate}/s (SECURITY #9, MadeYouReset)`,
          'glitchRate',
        ),
      );
      return false;
    }
    return true;
  }

  // ===========================================================================
  // Streams

  private newStream(id: number, local: boolean): StreamRecord {
    const s = new StreamRecord(this, id, local);
    s.sendWindow = new SendWindow(id, this.remote.initialWindowSize);
    s.recvWindow = this.newRecvWindow(id);
    this.streams.set(id, s);
    return s;
  }

  private newRecvWindow(id: number): RecvWindow {
    const options = this.recvWindowOptions;
    if (options === undefined) return new RecvWindow(id, this.recvInitialWindow);
    const w = new RecvWindow(id, this.recvInitialWindow, options);
    w.startTuning(this.clock, this.rtt);
    return w;
  }

  /** A new round-trip-time sample (ms) for receive-window auto-tuning, at least the clock's 1 ms resolution. */
  private setRtt(sample: number): void {
    const rtt = sample >= 1 ? sample : 1;
    this.rtt = rtt;
    this.connRecv.rtt = rtt;
    if (this.recvWindowOptions === undefined) return;
    for (const s of this.streams.values()) s.recvWindow.rtt = rtt;
  }

  /** Moves `s` to `next`, keeping the active / reserved counts. */
  private setState(s: StreamRecord, next: StreamState): void {
    const prev = s.state;
    if (prev === next) return;
    if (countsAsActive(prev)) {
      if (s.local) this.activeLocal--;
      else this.activeRemote--;
    } else if (prev === S.RESERVED_LOCAL) this.reservedLocal--;
    else if (prev === S.RESERVED_REMOTE) this.reservedRemote--;
    if (countsAsActive(next)) {
      if (s.local) this.activeLocal++;
      else this.activeRemote++;
    } else if (next === S.RESERVED_LOCAL) this.reservedLocal++;
    else if (next === S.RESERVED_REMOTE) this.reservedRemote++;
    s.state = next;
    if (this.stateLog !== undefined) this.stateLog.record(s, next);
  }

  /** Reports a stream closed (once): forgets it, drops its queue, refunds what it will never read. */
  private finish(s: StreamRecord, code: number, initiator: CloseInitiator): void {
    if (s.closeReported) return;
    s.closeReported = true;
    if (s.id !== 0) {
      this.streams.delete(s.id);
      this.closedStreams.add(s.id, s.state, this.clock);
    }
    this.totalQueued -= s.dropQueued();
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
        if (!this.dead) this.refundConnection(n);
        else this.connRecv.refund(n);
      }
    }
    this.events.streamClosed(s, code, initiator);
    if (s.local) this.maybeStartWaiting();
  }

  /** Closes `s` as not processed by the peer (REFUSED_STREAM semantics, retryable). */
  private closeRefused(s: StreamRecord, initiator: CloseInitiator): void {
    s.retryable = true;
    s.rstCode = ErrorCode.REFUSED_STREAM;
    this.setState(s, S.CLOSED_REMOTE_RESET);
    this.finish(s, ErrorCode.REFUSED_STREAM, initiator);
  }

  private closeWaiting(initiator: CloseInitiator): void {
    const waiting = this.waiting;
    const from = this.waitingHead;
    this.waiting = [];
    this.waitingHead = 0;
    for (let i = from; i < waiting.length; i++) {
      const s = waiting[i]!;
      if (!s.closeReported) this.closeRefused(s, initiator);
    }
  }

  /** Starts waiting requests while the peer's MAX_CONCURRENT_STREAMS allows. */
  private maybeStartWaiting(): void {
    if (this.startingWaiting || this.dead || this.goawayReceivedInfo !== undefined || this.goawaySentInfo !== undefined || this.role !== 'client') return;
    this.startingWaiting = true;
    try {
      while (this.waitingHead < this.waiting.length && this.activeLocal < this.peerMaxConcurrent) {
        const s = this.waiting[this.waitingHead]!;
        this.waiting[this.waitingHead++] = undefined as unknown as StreamRecord;
        if (s.closeReported) continue;
        this.startRequest(s);
        if (s.id !== 0) this.events.streamStarted?.(s);
      }
      if (this.waitingHead === this.waiting.length) {
        this.waiting.length = 0;
        this.waitingHead = 0;
      } else if (this.waitingHead > 1024 && this.waitingHead * 2 > this.waiting.length) {
        this.waiting = this.waiting.slice(this.waitingHead);
        this.waitingHead = 0;
      }
    } finally {
      this.startingWaiting = false;
    }
  }

  /** Gives a request its id and sends its HEADERS, then whatever was written meanwhile. */
  private startRequest(s: StreamRecord): void {
    const id = this.ids.allocateLocal();
    if (id === 0) {
      this.closeRefused(s, 'local');
      return;
    }
    s.id = id;
    s.sendWindow = new SendWindow(id, this.remote.initialWindowSize);
    s.recvWindow = this.newRecvWindow(id);
    this.streams.set(id, s);
    const end = s.pendingEndStream;
    this.setState(s, transition(this.roleNum, S.IDLE, end ? I.SEND_HEADERS_END_STREAM : I.SEND_HEADERS).next);
    const fields = s.pendingFields!;
    this.emitHeaders(id, fields, end, s.pendingPriority, s.pendingSensitive);
    s.headersSent = true;
    s.sentHeaders = fields;
    s.pendingFields = undefined;
    s.pendingPriority = undefined;
    s.pendingSensitive = undefined;
    if (s.queuedBytes > 0) this.ready.push(s);
    else if (s.ended && !s.endSent) this.emitEnd(s);
  }

  private own(stream: CoreStream): StreamRecord {
    if (!(stream instanceof StreamRecord) || stream.owner !== this) throw userError('not a stream of this connection');
    return stream;
  }

  private checkOpen(): void {
    if (this.dead) throw userError('the connection has failed and is closed', ErrorCode.INTERNAL_ERROR);
  }

  /** The table cell for a send command, or a user error. */
  private sendCheck(s: StreamRecord, input: StreamInput): Transition {
    const t = transition(this.roleNum, s.state, input);
    if (t.outcome !== Outcome.OK) {
      if (t.outcome === Outcome.USER_ERROR) throw transitionError(t, s.id, s.state, input);
      throw userError(`stream ${s.id} is closed`, ErrorCode.STREAM_CLOSED, s.id);
    }
    return t;
  }

  private checkWritable(s: StreamRecord, what: string): void {
    if (s.closeReported) throw userError(`${what}() on closed stream ${s.id}`, ErrorCode.STREAM_CLOSED, s.id);
    if (s.ended) throw userError(`${what}() after the end of stream ${s.id}`, ErrorCode.STREAM_CLOSED, s.id);
    if (!s.headersSent && (this.role === 'server' || s.id !== 0)) {
      throw userError(`${what}() before the headers of stream ${s.id} were sent`, ErrorCode.PROTOCOL_ERROR, s.id);
    }
    if (s.id !== 0) this.sendCheck(s, I.SEND_DATA);
  }

  // ===========================================================================
  // Output

  private emit(frame: Frame): void {
    const tap = this.events.frame;
    if (tap !== undefined) tap.call(this.events, frame, 'out');
    this.out.push(frame);
  }

  /**
   * Queues a frame sent in answer to the peer; fails the connection instead
   * when `maxOutboundControlFrames` are already waiting, untaken (SECURITY
   * #1–#3). Returns false when the connection failed.
   */
  private emitControl(frame: Frame): boolean {
    if (this.dead) return false;
    if (this.out.control >= this.limits.maxOutboundControlFrames) {
      this.fail(
        H2Error.connection(
          ErrorCode.ENHANCE_YOUR_CALM,
          `more than ${this.limits.maxOutboundControlFrames} frames queued in answer to the peer while output is not taken (SECURITY #1-#3)`,
          'maxOutboundControlFrames',
        ),
      );
      return false;
    }
    this.out.control++;
    this.emit(frame);
    return true;
  }

  private emitRst(id: number, code: number, control = false): void {
    const frame: RstStreamFrame = { type: FrameType.RST_STREAM, streamId: id, errorCode: code };
    if (control) this.emitControl(frame);
    else this.emit(frame);
  }

  private emitWindowUpdate(id: number, increment: number, control: boolean): void {
    const frame: WindowUpdateFrame = { type: FrameType.WINDOW_UPDATE, streamId: id, increment };
    if (control) this.emitControl(frame);
    else this.emit(frame);
  }

  private refundConnection(n: number): void {
    const inc = this.connRecv.refund(n);
    if (inc > 0) this.emitWindowUpdate(0, inc, false);
  }

  private emitHeaders(
    id: number,
    fields: ReadonlyArray<readonly [string, string]>,
    endStream: boolean,
    priority: PrioritySpec | undefined,
    sensitive: ReadonlySet<string> | undefined,
  ): void {
    // HPACK state advances in encoding order, so blocks are encoded exactly when queued.
    const block = this.hpackOut.encode(fields, sensitive);
    const maxFrame = this.remote.maxFrameSize;
    let padding: number | undefined;
    if (this.paddingStrategy !== 0) {
      const payload = block.length + (priority !== undefined ? 5 : 0);
      if (payload < maxFrame) padding = paddingFor(this.paddingStrategy, payload, maxFrame);
    }
    const frames = splitHeaderBlock(id, block, { endStream, priority, padding }, maxFrame);
    for (let i = 0; i < frames.length; i++) this.emit(frames[i]!);
  }

  /** Sends END_STREAM for `s` whose data is all out: trailers, or an empty DATA frame. */
  private emitEnd(s: StreamRecord): void {
    if (s.endSent || s.closeReported) return;
    s.endSent = true;
    let input: StreamInput;
    if (s.trailerFields !== undefined) {
      this.emitHeaders(s.id, s.trailerFields, true, undefined, s.trailerSensitive);
      s.sentTrailers = s.trailerFields;
      s.trailerFields = undefined;
      input = I.SEND_HEADERS_END_STREAM;
    } else {
      const frame: DataFrame = { type: FrameType.DATA, streamId: s.id, data: EMPTY, endStream: true, padding: undefined };
      this.emit(frame);
      input = I.SEND_DATA_END_STREAM;
    }
    this.setState(s, transition(this.roleNum, s.state, input).next);
    if (isClosed(s.state)) this.finish(s, 0, 'none');
  }

  /**
   * Frames queued DATA: round-robin over ready streams, one frame per turn,
   * each as large as `nextDataFrameSize` allows (both windows, the peer's
   * frame size, the floor of SECURITY #10), until the connection window or
   * the batch is exhausted.
   */
  private scheduleData(limit: number): void {
    const ready = this.ready;
    const maxFrame = this.remote.maxFrameSize;
    const strategy = this.paddingStrategy;
    while (this.out.bytes < limit && !this.dead) {
      const s = ready.shift();
      if (s === null) return;
      if (s.closeReported || s.queuedBytes === 0) continue;
      const cw = this.connSend.available;
      if (cw <= 0) {
        ready.unshift(s);
        return;
      }
      const sw = s.sendWindow.available;
      const n = nextDataFrameSize(s.queuedBytes, sw, cw, maxFrame, this.floor);
      if (n === 0) continue; // held by its own window; a WINDOW_UPDATE re-queues it
      if (n === maxFrame && strategy === 0 && ready.empty && this.events.frame === undefined && this.frameRun(s, maxFrame, sw, cw, limit)) continue;
      let padding: number | undefined;
      if (strategy !== 0) {
        let room = maxFrame < sw ? maxFrame : sw;
        if (cw < room) room = cw;
        padding = paddingFor(strategy, n, room);
      }
      const data = s.take(n);
      this.totalQueued -= n;
      const last = s.queuedBytes === 0 && s.ended && s.trailerFields === undefined;
      // The frame object exists only for the debugging tap: one DATA frame per 16 KiB is the hot path.
      const tap = this.events.frame;
      if (tap === undefined) this.out.pushData(s.id, data, last, padding);
      else this.emit({ type: FrameType.DATA, streamId: s.id, data, endStream: last, padding });
      const charged = dataPayloadLength(n, padding);
      s.sendWindow.consume(charged);
      this.connSend.consume(charged);
      if (last) {
        s.endSent = true;
        this.setState(s, transition(this.roleNum, s.state, I.SEND_DATA_END_STREAM).next);
      } else if (s.queuedBytes === 0 && s.ended) {
        this.emitEnd(s);
      }
      if (isClosed(s.state)) {
        this.finish(s, 0, 'none');
        continue;
      }
      if (s.queuedBytes > 0) ready.push(s);
      if (s.needWritable && s.queuedBytes < WRITABLE_LOW_WATER) {
        s.needWritable = false;
        this.events.streamWritable?.(s);
      }
    }
  }

  /**
   * Frames a run of full, unpadded DATA frames for `s`, the only stream ready
   * to send: round-robin would pick it again at every turn, so the run is
   * framed in one go, with one window charge and no queue traffic per frame
   * (the scheduler's cost per 16 KiB frame is most of the core's CPU in a
   * large response). The run stops a frame short of what is queued, so that
   * the last frame (END_STREAM, the state change) takes the general path.
   * Returns false, having done nothing, when fewer than two frames fit.
   */
  private frameRun(s: StreamRecord, maxFrame: number, sw: number, cw: number, limit: number): boolean {
    let frames = Math.floor((s.queuedBytes - 1) / maxFrame);
    const windowFrames = Math.floor((sw < cw ? sw : cw) / maxFrame);
    if (windowFrames < frames) frames = windowFrames;
    const roomFrames = Math.ceil((limit - this.out.bytes) / (maxFrame + FRAME_HEADER_LENGTH));
    if (roomFrames < frames) frames = roomFrames;
    if (frames < 2) return false;
    this.out.pushDataRun(s, frames, maxFrame);
    const charged = frames * maxFrame;
    this.totalQueued -= charged;
    s.sendWindow.consume(charged);
    this.connSend.consume(charged);
    this.ready.push(s);
    if (s.needWritable && s.queuedBytes < WRITABLE_LOW_WATER) {
      s.needWritable = false;
      this.events.streamWritable?.(s);
    }
    return true;
  }

  // ===========================================================================
  // Settings

  private sendSettings(entries: ReadonlyArray<readonly [number, number]>): void {
    const copy: Array<[number, number]> = [];
    for (const [id, value] of entries) {
      if (!(Number.isInteger(id) && id >= 0 && id <= 0xffff && Number.isInteger(value) && value >= 0 && value <= 0xffffffff)) {
        throw userError(`setting [${id}, ${value}] is not a 16-bit id with a 32-bit value (RFC 9113 §6.5.1)`);
      }
      const err = validateSetting(id, value);
      if (err !== undefined) throw userError(err.message, err.code);
      copy.push([id, value]);
    }
    this.emit({ type: FrameType.SETTINGS, streamId: 0, ack: false, settings: copy });
    this.local.send(copy, this.clock);
    this.refreshLocal();
  }

  /** Applies our settings as enforced now: the most permissive of acknowledged and in-flight values. */
  private refreshLocal(): void {
    const local = this.local;
    const hts = local.permissive(SettingId.HEADER_TABLE_SIZE);
    if (hts !== this.appliedHeaderTableSize) {
      this.appliedHeaderTableSize = hts;
      this.hpackIn.setMaxTableSize(hts);
    }
    const mfs = local.permissive(SettingId.MAX_FRAME_SIZE);
    if (mfs !== this.appliedMaxFrameSize) {
      this.appliedMaxFrameSize = mfs;
      this.decoder.setMaxFrameSize(mfs);
    }
    const iws = local.permissive(SettingId.INITIAL_WINDOW_SIZE);
    if (iws !== this.recvInitialWindow) {
      const delta = iws - this.recvInitialWindow;
      this.recvInitialWindow = iws;
      for (const s of this.streams.values()) {
        s.recvWindow.applyInitialWindowDelta(delta);
        // After a decrease the peer's credit may sit far below the new target with nothing left to read.
        if (delta < 0 && canReceiveData(s.state)) {
          const inc = s.recvWindow.update();
          if (inc > 0) this.emitWindowUpdate(s.id, inc, false);
        }
      }
    }
    this.localMaxConcurrent = local.permissive(SettingId.MAX_CONCURRENT_STREAMS);
    this.checkOptions.connectProtocolEnabled = local.permissive(SettingId.ENABLE_CONNECT_PROTOCOL) === 1;
    // MAX_HEADER_LIST_SIZE is advisory (§6.5.2): we enforce the last value we announced, else our limit.
    const listSize = local.latest(SettingId.MAX_HEADER_LIST_SIZE) ?? this.limits.maxHeaderListSize;
    if (listSize !== this.appliedHeaderListSize) {
      this.appliedHeaderListSize = listSize;
      this.hpackIn.setMaxHeaderListSize(listSize);
      if (!this.limits.explicitBlockLimits.size) this.assembly.maxBytes = headerBlockBudget(listSize);
      if (!this.limits.explicitBlockLimits.frames) this.assembly.maxContinuations = continuationBudget(listSize);
    }
  }

  // ===========================================================================
  // Time and failure

  private checkTimers(): void {
    const now = this.clock;
    const limits = this.limits;
    if (!this.remoteSettingsSeen) {
      if (this.role === 'server' && (this.decoder.awaitingPreface || Number.isNaN(this.prefaceDoneAt))) {
        if (now - this.createdAt >= limits.prefaceTimeout) {
          return this.fail(H2Error.connection(ErrorCode.PROTOCOL_ERROR, `no client connection preface within ${limits.prefaceTimeout} ms (SECURITY #18)`, 'prefaceTimeout'));
        }
      } else if (this.role === 'server') {
        if (now - this.prefaceDoneAt >= limits.firstSettingsTimeout) {
          return this.fail(H2Error.connection(ErrorCode.SETTINGS_TIMEOUT, `no SETTINGS within ${limits.firstSettingsTimeout} ms of the preface (SECURITY #18)`, 'firstSettingsTimeout'));
        }
      } else if (now - this.createdAt >= limits.prefaceTimeout) {
        return this.fail(H2Error.connection(ErrorCode.SETTINGS_TIMEOUT, `no server SETTINGS within ${limits.prefaceTimeout} ms (SECURITY #18)`, 'prefaceTimeout'));
      }
    }
    const sentAt = this.local.oldestSentAt;
    if (sentAt !== undefined && now - sentAt >= limits.settingsTimeout) {
      return this.fail(H2Error.connection(ErrorCode.SETTINGS_TIMEOUT, `SETTINGS not acknowledged within ${limits.settingsTimeout} ms (RFC 9113 §6.5.3)`, 'settingsTimeout'));
    }
    if (this.assembly.active && now - this.assembly.startedAt >= limits.headerPhaseTimeout) {
      return this.fail(H2Error.connection(ErrorCode.ENHANCE_YOUR_CALM, `header block on stream ${this.assembly.streamId} not finished within ${limits.headerPhaseTimeout} ms (SECURITY #7)`, 'headerPhaseTimeout'));
    }
  }

  private internalError(e: unknown): void {
    const err = H2Error.connection(ErrorCode.INTERNAL_ERROR, `internal error: ${e instanceof Error ? e.message : String(e)}`);
    Object.defineProperty(err, 'cause', { value: e });
    this.fail(err);
  }

  /**
   * Every stream the connection holds, open or still waiting for a stream
   * slot (those leave their queue), for a connection that is ending.
   */
  private takeEveryStream(): StreamRecord[] {
    const all = Array.from(this.streams.values());
    for (let i = this.waitingHead; i < this.waiting.length; i++) all.push(this.waiting[i]!);
    this.waiting = [];
    this.waitingHead = 0;
    return all;
  }

  /**
   * A connection error (§5.4.1): GOAWAY(code) with the highest peer stream we
   * processed and a debug text naming the limit or rule; every stream closed;
   * `events.goaway` then `events.error`. Exceptions from handlers are ignored
   * here: the connection is already going down.
   */
  private fail(err: H2Error): void {
    if (this.dead) return;
    this.dead = true;
    this.assembly.clear();
    this.pendingDecoderError = undefined;
    let last = this.lastAcceptedRemote;
    if (this.goawaySentInfo !== undefined && this.goawaySentInfo.lastStreamId < last) last = this.goawaySentInfo.lastStreamId;
    const debug = debugBytes(err);
    this.emit({ type: FrameType.GOAWAY, streamId: 0, lastStreamId: last, errorCode: err.code, debugData: debug });
    this.goawaySentInfo = { lastStreamId: last, code: err.code, debugData: debug };
    for (const s of this.takeEveryStream()) {
      if (s.closeReported) continue;
      if (s.error === undefined) s.error = err;
      if (s.rstCode === undefined) s.rstCode = err.code;
      this.setState(s, S.CLOSED_LOCAL_RESET);
      try {
        this.finish(s, err.code, 'local');
      } catch {
        // the connection is failing anyway
      }
    }
    try {
      this.events.goaway(last, err.code, debug, 'local');
    } catch {
      // ignored, see above
    }
    try {
      this.events.error(err);
    } catch {
      // ignored, see above
    }
  }
}

function selfDependencyError(id: number): H2Error {
  return H2Error.stream(id, ErrorCode.PROTOCOL_ERROR, `stream ${id} depends on itself (RFC 9113 §5.3.1)`);
}
