/**
 * The state of one connection, shared by the modules of the core (see the
 * design note at the top of `connection.ts`), and the bookkeeping that only
 * reads or updates that state: stream records and their active / reserved
 * counts, round-trip time, memory accounting.
 * @packageDocumentation
 */
import { dataFrameFloor } from '../flow/data-scheduler';
import { DEFAULT_AUTOTUNE_MAX_WINDOW, RecvWindow, type RecvWindowOptions } from '../flow/recv-window';
import { SendWindow } from '../flow/send-window';
import { FrameDecoder } from '../frames/decoder';
import type { H2Error } from '../h2-error';
import { HpackDecoder } from '../hpack/decoder';
import { HpackEncoder } from '../hpack/encoder';
import { newHeaderListInfo, type HeaderListCheckOptions } from '../semantics/header-list';
import { ClosedStreams, inactiveStreamState } from '../streams/closed-streams';
import { StreamIds } from '../streams/stream-ids';
import { Role as StreamRole, StreamState } from '../streams/stream-state';
import type { GoawayInfo } from './connection';
import { StreamRecord } from './core-stream';
import type { ConnectionEvents } from './events';
import { HeaderAssembly } from './header-assembly';
import { resolveLimits, type ConnectionOptions, type ConnectionRole, type ResolvedLimits } from './options';
import { OutputBuffer, ReadyQueue } from './outbound';
import { PingTracker } from './ping-tracker';
import { TokenBucket } from './rate-limit';
import { LocalSettingsSync, SettingsValues } from './settings-sync';
import type { StreamStateLog } from './stream-state-log';

/** Bytes charged per stream for `maxSessionMemory` (record, two windows, queue heads; roughly what nghttp2 allocates). */
const STREAM_MEMORY_OVERHEAD = 600;

const S = StreamState;

/** States in which a stream counts against MAX_CONCURRENT_STREAMS (§5.1.2: open and half-closed). */
function countsAsActive(state: StreamState): boolean {
  return state === S.OPEN || state === S.HALF_CLOSED_LOCAL || state === S.HALF_CLOSED_REMOTE;
}

/** States in which the peer may still send DATA, so a stream WINDOW_UPDATE is worth sending. */
export function canReceiveData(state: StreamState): boolean {
  return state === S.OPEN || state === S.HALF_CLOSED_LOCAL;
}

/**
 * Everything one connection holds. Internal to the core: the `Connection`
 * owns one and passes it to the functions of the other modules, which read
 * and write its fields directly. Its own methods never emit a frame or an
 * event; whatever does lives in a module of its own.
 */
export class ConnectionContext {
  /** Our role. */
  readonly role: ConnectionRole;
  readonly roleNum: StreamRole;
  readonly events: ConnectionEvents;
  readonly limits: ResolvedLimits;
  readonly paddingStrategy: number;
  readonly decoder: FrameDecoder;
  readonly hpackIn: HpackDecoder;
  readonly hpackOut: HpackEncoder;
  readonly ids: StreamIds;
  readonly closedStreams: ClosedStreams;
  readonly streams = new Map<number, StreamRecord>();
  /** Client requests waiting for a stream slot; `waiting[waitingHead]` is the next to start. */
  waiting: StreamRecord[] = [];
  waitingHead = 0;
  /** `maybeStartWaiting` is running (a request it starts may close and call it again). */
  startingWaiting = false;
  readonly local = new LocalSettingsSync();
  readonly remote = new SettingsValues();
  readonly connSend = new SendWindow(0, 65535);
  readonly connRecv: RecvWindow;
  /** Options of every stream's receive window: auto-tuning, or `undefined` for none. */
  readonly recvWindowOptions: RecvWindowOptions | undefined;
  /** Round-trip-time estimate for auto-tuning (ms, ≥ 1 once known; 0 unknown). */
  rtt = 0;
  /** {@link rtt} was measured with a PING (better than the SETTINGS ACK estimate). */
  rttFromPing = false;
  readonly pings: PingTracker;
  readonly resetBucket: TokenBucket;
  readonly glitchBucket: TokenBucket;
  readonly assembly: HeaderAssembly;
  readonly out = new OutputBuffer();
  readonly ready = new ReadyQueue();
  readonly info = newHeaderListInfo();
  readonly checkOptions: HeaderListCheckOptions = { connectProtocolEnabled: false };
  /** Names the HPACK decoder saw as never-indexed in the block just decoded. */
  readonly neverIndexed: string[] = [];
  /** The input clock as last seen (ms). */
  clock: number;
  readonly createdAt: number;
  prefaceDoneAt = Number.NaN;
  remoteSettingsSeen = false;
  /** The connection failed or the transport closed: input is ignored and commands throw. */
  dead = false;
  /** Stream state changes, once `watchStreamStates()` asked for them. */
  stateLog: StreamStateLog | undefined = undefined;
  peerMaxConcurrent: number;
  /** Smallest DATA frame worth sending while more is queued (SECURITY #10). */
  floor: number;
  // Our settings as enforced (see LocalSettingsSync.permissive).
  recvInitialWindow = 65535;
  localMaxConcurrent = 0xffffffff;
  appliedHeaderTableSize = 4096;
  appliedMaxFrameSize = 16384;
  appliedHeaderListSize: number;
  // Counters.
  activeLocal = 0;
  activeRemote = 0;
  reservedLocal = 0;
  reservedRemote = 0;
  invalidFrames = 0;
  rejectedStreams = 0;
  emptyDataFrames = 0;
  totalQueued = 0;
  lastProcStreamId = 0;
  /** Highest peer-initiated stream handed to the layer above: GOAWAY's last stream id (§6.8: might have been processed). */
  lastAcceptedRemote = 0;
  pendingDecoderError: H2Error | undefined = undefined;
  goawaySentInfo: GoawayInfo | undefined = undefined;
  goawayReceivedInfo: GoawayInfo | undefined = undefined;

  /** The state of a new connection; queues nothing (the `Connection` sends the preface). */
  constructor(options: ConnectionOptions, events: ConnectionEvents) {
    this.role = options.role;
    this.roleNum = options.role === 'client' ? StreamRole.CLIENT : StreamRole.SERVER;
    this.events = events;
    const limits = (this.limits = resolveLimits(options.limits));
    this.clock = this.createdAt = options.now ?? 0;
    this.paddingStrategy = options.paddingStrategy ?? 0;
    this.decoder = new FrameDecoder({ expectPreface: options.role === 'server' });
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
  }

  /** See `Connection.memoryUsage`. */
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

  /** The state of stream `id`: its record's, or what an inactive id implies (idle, or closed and remembered). */
  stateOf(id: number, s: StreamRecord | undefined): StreamState {
    return s !== undefined ? s.state : inactiveStreamState(id, this.clock, this.closedStreams, this.ids);
  }

  /** A record for stream `id`, with its windows, among the active streams. */
  newStream(id: number, local: boolean): StreamRecord {
    const s = new StreamRecord(this, id, local);
    s.sendWindow = new SendWindow(id, this.remote.initialWindowSize);
    s.recvWindow = this.newRecvWindow(id);
    this.streams.set(id, s);
    return s;
  }

  /** A stream's receive window at our initial window size, auto-tuned from the current RTT if tuning is on. */
  newRecvWindow(id: number): RecvWindow {
    const options = this.recvWindowOptions;
    if (options === undefined) return new RecvWindow(id, this.recvInitialWindow);
    const w = new RecvWindow(id, this.recvInitialWindow, options);
    w.startTuning(this.clock, this.rtt);
    return w;
  }

  /** A new round-trip-time sample (ms) for receive-window auto-tuning, at least the clock's 1 ms resolution. */
  setRtt(sample: number): void {
    const rtt = sample >= 1 ? sample : 1;
    this.rtt = rtt;
    this.connRecv.rtt = rtt;
    if (this.recvWindowOptions === undefined) return;
    for (const s of this.streams.values()) s.recvWindow.rtt = rtt;
  }

  /** Moves `s` to `next`, keeping the active / reserved counts. */
  setState(s: StreamRecord, next: StreamState): void {
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

  /**
   * Every stream the connection holds, open or still waiting for a stream
   * slot (those leave their queue), for a connection that is ending.
   */
  takeEveryStream(): StreamRecord[] {
    const all = Array.from(this.streams.values());
    for (let i = this.waitingHead; i < this.waiting.length; i++) all.push(this.waiting[i]!);
    this.waiting = [];
    this.waitingHead = 0;
    return all;
  }
}
