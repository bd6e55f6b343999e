/**
 * The sans-I/O HTTP/2 connection core (DESIGN principle 1): bytes, commands
 * and clock ticks in; events and encoded frames out. No RxJS, no sockets, no
 * timers — time is the `now` passed to `receive()` / `tick()`.
 * @packageDocumentation
 */
/*
 * How the core is split.
 *
 * The state of a connection is one `ConnectionContext` (connection-context.ts):
 * its fields are open to the core's modules, and its own methods only keep
 * books (stream records, active counts, RTT, memory). Every other module is a
 * set of plain functions that take the context as first argument, `c`: the
 * receive handlers per frame type (receive-dispatch, receive-data,
 * receive-headers, receive-control, settings-exchange), the commands
 * (stream-commands, connection-commands), the DATA scheduler
 * (send-scheduler), stream start and close (stream-lifecycle), frames queued
 * (frame-output), errors (connection-errors, stream-errors), the SECURITY.md
 * budgets (dos-accounting) and the timeouts. A handler call costs what the
 * private method call it replaced did: one monomorphic receiver, no closure,
 * no allocation per frame.
 *
 * Imports between these modules go one way, bottom-up: connection-context →
 * frame-output → stream-lifecycle → connection-errors → dos-accounting →
 * stream-errors → the handlers, the scheduler and the timeouts →
 * receive-dispatch and the commands → this file. `Connection` is the public
 * API: it owns the context privately (so the context is no part of the
 * package's API), feeds the decoder's frames to `onFrame`, and delegates
 * every command to the function of the same name.
 *
 * Imports name the defining modules rather than the barrels: in CommonJS
 * builds every barrel re-export is a getter, and these are on the per-frame
 * path.
 */
import { ErrorCode } from '../error-code';
import type { FrameSink } from '../frames/decoder';
import { CLIENT_PREFACE } from '../frames/frame-type';
import type { PrioritySpec } from '../frames/priority';
import type { H2Error } from '../h2-error';
import * as connectionCommands from './connection-commands';
import { ConnectionContext } from './connection-context';
import { internalError } from './connection-errors';
import type { CoreStream } from './core-stream';
import type { ConnectionEvents } from './events';
import { EMPTY } from './frame-output';
import { DEFAULT_CONNECTION_WINDOW_SIZE, type ConnectionOptions, type ConnectionRole, type RequestOptions, type RespondOptions } from './options';
import { OUTPUT_BATCH_BYTES } from './outbound';
import { flushDecoderError, onDecodeError, onFrame } from './receive-dispatch';
import { scheduleData } from './send-scheduler';
import { sendSettings } from './settings-exchange';
import type { SettingsValues } from './settings-sync';
import * as streamCommands from './stream-commands';
import { StreamStateLog, type StreamStateChange } from './stream-state-log';
import * as timeouts from './timeouts';

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
  /** Everything the connection holds; see the note at the top of this file. */
  private readonly ctx: ConnectionContext;
  private readonly sink: FrameSink;

  /**
   * Creates the connection and queues our preface: the client connection
   * preface and SETTINGS (client), or SETTINGS (server) (§3.4).
   * @throws H2Error (`user`) when `options.settings` holds an invalid value.
   */
  constructor(options: ConnectionOptions, events: ConnectionEvents) {
    this.role = options.role;
    const c = (this.ctx = new ConnectionContext(options, events));
    this.sink = {
      frame: (frame) => {
        onFrame(c, frame);
        if (c.dead) throw ABORT;
      },
      error: (error, flowControlled) => {
        onDecodeError(c, error, flowControlled);
        if (c.dead) throw ABORT;
      },
    };
    if (options.role === 'client') c.out.pushRaw(CLIENT_PREFACE);
    sendSettings(c, options.settings ?? []);
    const connectionWindow = options.connectionWindowSize ?? DEFAULT_CONNECTION_WINDOW_SIZE;
    if (connectionWindow !== 65535) connectionCommands.setLocalWindowSize(c, connectionWindow);
  }

  // ===========================================================================
  // Read-only state

  /** The settings the peer has acknowledged (Node's `localSettings`). */
  get localSettings(): SettingsValues {
    return this.ctx.local.acked;
  }

  /** The peer's settings in force (Node's `remoteSettings`). */
  get remoteSettings(): SettingsValues {
    return this.ctx.remote;
  }

  /** Whether some of our SETTINGS await acknowledgement. */
  get pendingSettingsAck(): boolean {
    return this.ctx.local.pendingCount > 0;
  }

  /** The GOAWAY we sent, if any. */
  get goawaySent(): GoawayInfo | undefined {
    return this.ctx.goawaySentInfo;
  }

  /** The GOAWAY we received, if any (the lowest last-stream-id if several). */
  get goawayReceived(): GoawayInfo | undefined {
    return this.ctx.goawayReceivedInfo;
  }

  /**
   * True once nothing more can happen: the connection failed, or a GOAWAY was
   * sent or received and every stream is closed. Take the output (after the
   * peer's GOAWAY it ends with ours, §6.8), then close the transport.
   */
  get closed(): boolean {
    const c = this.ctx;
    return (
      c.dead ||
      ((c.goawaySentInfo !== undefined || c.goawayReceivedInfo !== undefined) &&
        c.streams.size === 0 &&
        c.waitingHead === c.waiting.length)
    );
  }

  /** True after a connection error: input is ignored and commands throw. */
  get failed(): boolean {
    return this.ctx.dead;
  }

  /**
   * Starts recording every stream state change (RFC 9113 §5.1), for
   * {@link takeStreamStates}; idempotent. Off until asked: the log costs an
   * object per transition. Returns the number of changes recorded so far, so
   * that a watcher reading a stream's `state` now can skip the changes
   * already reflected in it.
   */
  watchStreamStates(): number {
    const c = this.ctx;
    c.stateLog ??= new StreamStateLog();
    return c.stateLog.seq;
  }

  /**
   * The stream state changes since the last call, oldest first (`undefined`
   * if none, or if {@link watchStreamStates} was never called). Take them
   * after each `receive()`, `tick()`, `takeOutput()`, `transportClosed()` and
   * command: they are kept until taken.
   */
  takeStreamStates(): StreamStateChange[] | undefined {
    return this.ctx.stateLog?.take();
  }

  /** Octets framed and waiting in `takeOutput()` (for write backpressure). */
  get outputBytes(): number {
    return this.ctx.out.bytes;
  }

  /** Whether `takeOutput()` would return something (framed output, or DATA the windows allow). */
  get wantsWrite(): boolean {
    const c = this.ctx;
    return c.out.bytes > 0 || (!c.dead && !c.ready.empty && c.connSend.available > 0);
  }

  /** The input clock as last seen (ms). */
  get now(): number {
    return this.ctx.clock;
  }

  /**
   * Octets the connection holds for `maxSessionMemory`: framed output, queued
   * writes, received DATA not yet consumed, both HPACK tables, header blocks
   * and frames in assembly, and a fixed charge per stream.
   */
  get memoryUsage(): number {
    return this.ctx.memoryUsage;
  }

  /** Node's `session.state`. */
  get state(): ConnectionState {
    const c = this.ctx;
    return {
      effectiveLocalWindowSize: c.connRecv.target,
      effectiveRecvDataLength: c.connRecv.target - c.connRecv.window,
      nextStreamID: c.ids.nextLocalId,
      localWindowSize: c.connRecv.window,
      lastProcStreamID: c.lastProcStreamId,
      remoteWindowSize: c.connSend.available,
      outboundQueueSize: c.out.frames,
      deflateDynamicTableSize: c.hpackOut.tableSize,
      inflateDynamicTableSize: c.hpackIn.tableSize,
    };
  }

  /** Where each limit stands. */
  get counters(): ConnectionCounters {
    const c = this.ctx;
    return {
      activeStreams: c.streams.size,
      waitingStreams: c.waiting.length - c.waitingHead,
      reservedRemoteStreams: c.reservedRemote,
      closedStreamsRemembered: c.closedStreams.size,
      invalidFrames: c.invalidFrames,
      rejectedStreams: c.rejectedStreams,
      emptyDataFrames: c.emptyDataFrames,
      resetTokens: c.resetBucket.level(c.clock),
      glitchTokens: c.glitchBucket.level(c.clock),
      outboundControlFrames: c.out.control,
      memory: c.memoryUsage,
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
    const c = this.ctx;
    if (now > c.clock) c.clock = now;
    if (c.dead) return;
    try {
      timeouts.checkTimers(c);
      if (c.dead) return;
      c.decoder.write(chunk, this.sink);
      flushDecoderError(c);
      if (c.role === 'server' && Number.isNaN(c.prefaceDoneAt) && !c.decoder.awaitingPreface) c.prefaceDoneAt = c.clock;
    } catch (e) {
      if (e !== ABORT) internalError(c, e);
    }
  }

  /** Advances the clock: fires the settings-ACK, preface and header-phase timeouts that are due. Never throws. */
  tick(now: number): void {
    const c = this.ctx;
    if (now > c.clock) c.clock = now;
    if (c.dead) return;
    try {
      timeouts.checkTimers(c);
      c.closedStreams.prune(c.clock);
    } catch (e) {
      if (e !== ABORT) internalError(c, e);
    }
  }

  /** When `tick()` next has work to do (input clock), or `undefined` if nothing is timed. */
  nextDeadline(): number | undefined {
    return timeouts.nextDeadline(this.ctx);
  }

  /**
   * Everything produced since the last call, in wire order, or `undefined`.
   * Frames DATA first, as the windows allow: about `dataBytes` octets of it at
   * most (default {@link OUTPUT_BATCH_BYTES}, 1 MiB; the last frame may go
   * past it); call again while {@link wantsWrite}. DATA chunks reference the
   * buffers given to `write()`: do not modify those until written.
   */
  takeOutput(dataBytes: number = OUTPUT_BATCH_BYTES): Uint8Array[] | undefined {
    const c = this.ctx;
    if (!c.dead) {
      try {
        scheduleData(c, dataBytes);
        connectionCommands.answerGoawayBeforeClosing(c);
      } catch (e) {
        if (e !== ABORT) internalError(c, e);
      }
    }
    return c.out.take();
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
    connectionCommands.transportClosed(this.ctx, cause);
  }

  /**
   * Client: opens a stream with request `fields` (pseudo-headers first). If the
   * peer's MAX_CONCURRENT_STREAMS is reached the stream waits with id 0 and
   * starts (`events.streamStarted`) when a slot frees; writes are queued
   * meanwhile.
   */
  request(fields: ReadonlyArray<readonly [string, string]>, opts?: RequestOptions): CoreStream {
    return streamCommands.request(this.ctx, fields, opts);
  }

  /** Server: sends the final response `fields` (`:status` ≥ 200) on `stream`. */
  respond(stream: CoreStream, fields: ReadonlyArray<readonly [string, string]>, opts?: RespondOptions): void {
    streamCommands.respond(this.ctx, stream, fields, opts);
  }

  /** Server: sends an informational (1xx, not 101) response; several may precede the final one (§8.1). */
  informational(stream: CoreStream, fields: ReadonlyArray<readonly [string, string]>): void {
    streamCommands.informational(this.ctx, stream, fields);
  }

  /**
   * Server: promises a pushed response to the request `fields` on `parent`
   * (PUSH_PROMISE, §8.4) and returns the reserved stream; answer it with
   * `respond()`. Throws when the peer disabled push or its
   * MAX_CONCURRENT_STREAMS is reached.
   */
  push(parent: CoreStream, fields: ReadonlyArray<readonly [string, string]>): CoreStream {
    return streamCommands.push(this.ctx, parent, fields);
  }

  /** Server: an ALTSVC frame (RFC 7838 §4): `origin` on stream 0, empty on any other stream. */
  altsvc(streamId: number, origin: string, value: string): void {
    connectionCommands.altsvc(this.ctx, streamId, origin, value);
  }

  /** Server: an ORIGIN frame (RFC 8336). */
  origin(origins: string[]): void {
    connectionCommands.origin(this.ctx, origins);
  }

  /**
   * Queues `data` on `stream` (not copied: do not modify it until written).
   * DATA frames leave in `takeOutput()` as the windows allow. `endStream`
   * ends the stream after it.
   */
  write(stream: CoreStream, data: Uint8Array, endStream = false): void {
    streamCommands.write(this.ctx, stream, data, endStream);
  }

  /** Ends our side of `stream` (END_STREAM after the queued data). Idempotent. */
  end(stream: CoreStream): void {
    streamCommands.end(this.ctx, stream);
  }

  /** Ends `stream` with trailers (HEADERS + END_STREAM after the queued data, §8.1). */
  trailers(stream: CoreStream, fields: ReadonlyArray<readonly [string, string]>, opts?: { sensitive?: ReadonlySet<string> }): void {
    streamCommands.trailers(this.ctx, stream, fields, opts);
  }

  /**
   * Resets `stream` with RST_STREAM(`code`) (default NO_ERROR, as Node's
   * `stream.close()`); queued data is dropped. A no-op on a closed stream or
   * a failed connection.
   */
  reset(stream: CoreStream, code: number = ErrorCode.NO_ERROR): void {
    streamCommands.reset(this.ctx, stream, code);
  }

  /**
   * The consumer has read `n` more octets of `stream`'s DATA: credits the
   * stream and connection receive windows; WINDOW_UPDATEs go out once half a
   * window is owed (DESIGN principle 4: credit on reads only).
   */
  consumed(stream: CoreStream, n: number): void {
    streamCommands.consumed(this.ctx, stream, n);
  }

  /**
   * Sends a PING (RFC 9113 §6.7) with `payload` (8 octets; default a counter).
   * Returns false, sending nothing, when `maxOutstandingPings` are unanswered.
   */
  ping(payload?: Uint8Array): boolean {
    return connectionCommands.ping(this.ctx, payload);
  }

  /**
   * Sends new SETTINGS; limits on what the peer sends us take effect when
   * acknowledged (increases at once: see `LocalSettingsSync`). Throws when
   * `maxOutstandingSettings` are unacknowledged or a value is out of range.
   */
  settings(entries: ReadonlyArray<readonly [number, number]>): void {
    connectionCommands.settings(this.ctx, entries);
  }

  /**
   * Sends GOAWAY(`code`, `lastStreamId`): graceful by default — streams up to
   * `lastStreamId` (default: the highest the peer opened) continue, peer
   * streams above it are closed as refused and later ones ignored (§6.8).
   */
  goaway(code: number = ErrorCode.NO_ERROR, lastStreamId?: number, debugData: Uint8Array = EMPTY): void {
    connectionCommands.goaway(this.ctx, code, lastStreamId, debugData);
  }

  /** Node's `setLocalWindowSize`: sets the connection receive window target (§6.9.2). */
  setLocalWindowSize(size: number): void {
    connectionCommands.setLocalWindowSize(this.ctx, size);
  }

  /** Sends PRIORITY for `stream` (RFC 9113 §6.3; no tree is kept on either side). */
  priority(stream: CoreStream, spec: PrioritySpec): void {
    streamCommands.priority(this.ctx, stream, spec);
  }
}
