/**
 * Options of the connection core and its limits: one named limit per
 * SECURITY.md row that concerns the core, each with a default and the reason
 * for it. A limit that fires names itself in `H2Error.limit` and in the
 * GOAWAY debug data.
 * @packageDocumentation
 */
import type { PrioritySpec } from '../frames';
import { DEFAULT_MIN_DATA_FRAME } from '../flow';
import { DEFAULT_CLOSED_STREAMS_MAX, DEFAULT_CLOSED_STREAMS_TTL } from '../streams';
import { DEFAULT_MAX_HEADER_LIST_SIZE } from '../hpack/decoder';

/** Which end of the connection the core plays. */
export type ConnectionRole = 'client' | 'server';

/**
 * Every bound the core enforces on what a peer can make it do or hold
 * (DESIGN principle 5, SECURITY.md). Times are in the input clock's unit (ms).
 */
export interface ConnectionLimits {
  /**
   * Peer-caused stream errors (malformed headers, frames on closed streams,
   * window overflows, …) tolerated over the connection's life; one more →
   * GOAWAY ENHANCE_YOUR_CALM. Default 1000, Node's `maxSessionInvalidFrames`
   * (SECURITY #3, #4, #9).
   */
  maxSessionInvalidFrames: number;
  /**
   * Peer streams rejected at creation (refused for MAX_CONCURRENT_STREAMS or
   * memory, malformed request headers) tolerated; one more → GOAWAY
   * ENHANCE_YOUR_CALM. Default 100, Node's `maxSessionRejectedStreams`: each
   * refusal already told the peer to slow down (SECURITY #3, #13).
   */
  maxSessionRejectedStreams: number;
  /** Our unacknowledged PINGs; `ping()` returns false beyond. Default 10, Node's `maxOutstandingPings`. */
  maxOutstandingPings: number;
  /**
   * Our unacknowledged SETTINGS frames; `settings()` throws beyond. Default 10,
   * nghttp2's / Node's `maxOutstandingSettings`: each one pins a snapshot.
   */
  maxOutstandingSettings: number;
  /**
   * Entries in one received SETTINGS frame; more → GOAWAY ENHANCE_YOUR_CALM.
   * Default 32, Node's `maxSettings` (SECURITY #2: bounds the work per frame).
   */
  maxSettings: number;
  /** Fields in one received header list; more → RST_STREAM ENHANCE_YOUR_CALM. Default 128, Node's `maxHeaderListPairs` (SECURITY #5, #6). */
  maxHeaderListPairs: number;
  /**
   * Decoded header list size (Σ name + value + 32) accepted while we have not
   * advertised SETTINGS_MAX_HEADER_LIST_SIZE ourselves (once we have, the
   * advertised value rules). Default 65535, Node's default. Bounds HPACK bombs
   * and zero-length fields (SECURITY #5, #6).
   */
  maxHeaderListSize: number;
  /**
   * Octets of one encoded header block (HEADERS/PUSH_PROMISE + CONTINUATION)
   * buffered before the connection fails with ENHANCE_YOUR_CALM. The block
   * cannot be dropped half-way (HPACK state would desynchronize), so this is
   * a connection error. Default: 2 × the header list size in force — an encoded
   * block is normally smaller than its decoded list (each field is charged 32
   * octets decoded), so twice the list size leaves room for unhuffmanned and
   * table-size-update-laden encodings (SECURITY #7: bytes processed after the
   * budget ≤ 2× budget).
   */
  maxHeaderBlockSize: number;
  /**
   * CONTINUATION frames in one header block (empty ones included); more →
   * GOAWAY ENHANCE_YOUR_CALM. Default: max(16, 4 × ⌈list size / 16384⌉) — a
   * legitimate block needs ⌈block / frame size⌉ frames; 4× tolerates encoders
   * that fragment finely, and the floor covers tiny list sizes (SECURITY #7,
   * the 2024 CONTINUATION flood).
   */
  maxContinuationFrames: number;
  /**
   * Longest time from the first frame of a header block to END_HEADERS; then
   * GOAWAY ENHANCE_YOUR_CALM. Default 10 s (SECURITY #7: a block dribbled one
   * byte per second must not pin the connection forever).
   */
  headerPhaseTimeout: number;
  /**
   * Client: streams reserved by the server's PUSH_PROMISE and not yet
   * answered; beyond, promises are refused with RST_STREAM CANCEL (nghttp2's
   * behaviour). Default 200, Node's `maxReservedRemoteStreams` (SECURITY #19).
   */
  maxReservedRemoteStreams: number;
  /**
   * Rapid Reset (SECURITY #8, CVE-2023-44487): RST_STREAMs the peer may send on
   * streams we had started handling, as a token bucket of this burst refilled
   * at {@link streamResetRate} per second; empty → GOAWAY ENHANCE_YOUR_CALM.
   * Default 1000, Node's `streamResetBurst`.
   */
  streamResetBurst: number;
  /** Refill rate of the {@link streamResetBurst} bucket, per second. Default 33, Node's `streamResetRate`. */
  streamResetRate: number;
  /**
   * MadeYouReset (SECURITY #9, 2025): stream errors the peer provokes (each
   * one a reset *we* send, plus window overflows and zero increments,
   * SECURITY #17) as a token bucket of this burst refilled at
   * {@link glitchRate} per second; empty → GOAWAY ENHANCE_YOUR_CALM. Default
   * 1000, nghttp2's glitch rate limit burst.
   */
  glitchBurst: number;
  /** Refill rate of the {@link glitchBurst} bucket, per second. Default 33, nghttp2's. */
  glitchRate: number;
  /**
   * Frames we queue *in answer to the peer* (SETTINGS and PING ACKs, RST_STREAM
   * for its errors, refusals) while output is not taken; one more → GOAWAY
   * ENHANCE_YOUR_CALM. Default 1000, nghttp2's `max_outbound_ack` (SECURITY
   * #1 ping flood, #2 settings flood, #3 reset flood: a peer that does not read
   * must not make our output queue grow).
   */
  maxOutboundControlFrames: number;
  /**
   * Zero-length DATA frames without END_STREAM; one more → GOAWAY
   * ENHANCE_YOUR_CALM. Default 100, hyperium's bound (SECURITY #4,
   * CVE-2019-9518): such frames cost work and carry nothing.
   */
  maxEmptyDataFrames: number;
  /**
   * Time the peer has to acknowledge our SETTINGS (§6.5.3); then GOAWAY
   * SETTINGS_TIMEOUT. Default 10 s: the ACK rides with the peer's first
   * flight, so even a slow path answers within a few seconds, and a peer
   * that never ACKs leaves our settings (e.g. a lowered window) in limbo.
   */
  settingsTimeout: number;
  /**
   * Server: time from creation to the complete client preface, then GOAWAY
   * PROTOCOL_ERROR; client: time to the server's first SETTINGS, then GOAWAY
   * SETTINGS_TIMEOUT. Default 10 s,
   * Go's `prefaceTimeout` and Node's `unknownProtocolTimeout` (SECURITY #18).
   */
  prefaceTimeout: number;
  /**
   * Server: time from the end of the client preface to its first SETTINGS frame;
   * then GOAWAY SETTINGS_TIMEOUT. Default 2 s, Go's `firstSettingsTimeout`: the
   * SETTINGS is sent together with the preface (SECURITY #18).
   */
  firstSettingsTimeout: number;
  /**
   * Closed streams remembered (with why they closed) to judge late frames
   * (SECURITY #14). Default {@link DEFAULT_CLOSED_STREAMS_MAX} (1024).
   */
  maxClosedStreams: number;
  /** How long a closed stream is remembered. Default {@link DEFAULT_CLOSED_STREAMS_TTL} (10 s). */
  closedStreamTtl: number;
  /**
   * Node's `maxSessionMemory`, in MB (10^6 octets): while queued output, buffered
   * unread DATA, HPACK tables, header blocks in assembly and per-stream
   * bookkeeping exceed it, new peer streams are refused (RST_STREAM
   * ENHANCE_YOUR_CALM, counted as rejected). Default 10 (SECURITY #11).
   */
  maxSessionMemory: number;
  /**
   * Smallest DATA frame sent when the stream window limits it (SECURITY #10,
   * data dribble): see {@link dataFrameFloor}. Default
   * {@link DEFAULT_MIN_DATA_FRAME} (1024).
   */
  minDataFrame: number;
}


/** The block-size budget for a header list size; see {@link ConnectionLimits.maxHeaderBlockSize}. */
export function headerBlockBudget(listSize: number): number {
  return 2 * listSize;
}

/** The CONTINUATION budget for a header list size; see {@link ConnectionLimits.maxContinuationFrames}. */
export function continuationBudget(listSize: number): number {
  return Math.max(16, 4 * Math.ceil(listSize / 16384));
}

/** The defaults of {@link ConnectionLimits}, with the derived ones computed for the default list size. */
export const DEFAULT_LIMITS: Readonly<ConnectionLimits> = Object.freeze({
  maxSessionInvalidFrames: 1000,
  maxSessionRejectedStreams: 100,
  maxOutstandingPings: 10,
  maxOutstandingSettings: 10,
  maxSettings: 32,
  maxHeaderListPairs: 128,
  maxHeaderListSize: DEFAULT_MAX_HEADER_LIST_SIZE,
  maxHeaderBlockSize: headerBlockBudget(DEFAULT_MAX_HEADER_LIST_SIZE),
  maxContinuationFrames: continuationBudget(DEFAULT_MAX_HEADER_LIST_SIZE),
  headerPhaseTimeout: 10_000,
  maxReservedRemoteStreams: 200,
  streamResetBurst: 1000,
  streamResetRate: 33,
  glitchBurst: 1000,
  glitchRate: 33,
  maxOutboundControlFrames: 1000,
  maxEmptyDataFrames: 100,
  settingsTimeout: 10_000,
  prefaceTimeout: 10_000,
  firstSettingsTimeout: 2_000,
  maxClosedStreams: DEFAULT_CLOSED_STREAMS_MAX,
  closedStreamTtl: DEFAULT_CLOSED_STREAMS_TTL,
  maxSessionMemory: 10,
  minDataFrame: DEFAULT_MIN_DATA_FRAME,
});

/** Limits after defaults, plus which derived limits the user fixed explicitly. */
export interface ResolvedLimits extends ConnectionLimits {
  /** True when `maxHeaderBlockSize` / `maxContinuationFrames` were given, so they do not follow the list size. */
  readonly explicitBlockLimits: { size: boolean; frames: boolean };
}

/** Fills in defaults; derived limits follow the given `maxHeaderListSize` unless set too. */
export function resolveLimits(limits: Partial<ConnectionLimits> | undefined): ResolvedLimits {
  const given = limits ?? {};
  const out = { ...DEFAULT_LIMITS } as ConnectionLimits;
  for (const key of Object.keys(given) as Array<keyof ConnectionLimits>) {
    const v = given[key];
    if (v !== undefined) out[key] = v;
  }
  const explicitBlockLimits = { size: given.maxHeaderBlockSize !== undefined, frames: given.maxContinuationFrames !== undefined };
  if (!explicitBlockLimits.size) out.maxHeaderBlockSize = headerBlockBudget(out.maxHeaderListSize);
  if (!explicitBlockLimits.frames) out.maxContinuationFrames = continuationBudget(out.maxHeaderListSize);
  return Object.assign(out, { explicitBlockLimits });
}

/** Options of {@link Connection}. */
export interface ConnectionOptions {
  role: ConnectionRole;
  /** Our initial SETTINGS, sent first (after the client preface) and applied when acknowledged. */
  settings?: Array<[id: number, value: number]>;
  /** Overrides of {@link DEFAULT_LIMITS}. */
  limits?: Partial<ConnectionLimits>;
  /** Node's `PADDING_STRATEGY_*` for DATA and HEADERS (see `paddingFor`). Default NONE. */
  paddingStrategy?: number;
  /**
   * The peer's MAX_CONCURRENT_STREAMS assumed until its SETTINGS says otherwise
   * (Node's option). Default 100.
   */
  peerMaxConcurrentStreams?: number;
  /** Cap on the HPACK table we encode with (Node's option). Default 4096. */
  maxDeflateDynamicTableSize?: number;
  /** The input clock at creation (ms). Default 0. */
  now?: number;
  /**
   * Receive-window auto-tuning (see `RecvWindow.consumed`): a stream or the
   * connection whose consumer drains a full window within 2 RTTs gets its
   * window doubled, up to {@link autoTuneMaxWindow} — the window grows as the
   * transfer proves the bandwidth, and only while the consumer keeps up.
   * RTT comes from our first SETTINGS' acknowledgement, then from PINGs; at
   * least 1 ms (the clock's resolution). Default: on for clients, where the
   * data buffered is what the user asked for; off for servers, where a grown
   * window lets every client park more bytes in the server's memory.
   */
  autoTuneWindow?: boolean;
  /**
   * Largest window auto-tuning may reach, per stream and for the connection.
   * Default `DEFAULT_AUTOTUNE_MAX_WINDOW` (8 MiB), under the default
   * `maxSessionMemory` (10 MB).
   */
  autoTuneMaxWindow?: number;
  /**
   * The connection receive window we give the peer from the start (Node's
   * `setLocalWindowSize`, at creation): announced with a WINDOW_UPDATE on
   * stream 0 right after our SETTINGS when above 65535, the window every
   * connection starts with (RFC 9113 §6.9.2); a smaller value takes effect
   * as the peer uses up that initial credit. Backpressure is unchanged: the
   * connection window, like a stream's, is credited only as bodies are read,
   * so it bounds the unread DATA a peer can park at us across all streams.
   * The 65535 default of the RFC would let ten concurrent uploads share one
   * 64 KiB window, stalling each on our WINDOW_UPDATEs.
   * Default {@link DEFAULT_CONNECTION_WINDOW_SIZE} (1 MiB).
   */
  connectionWindowSize?: number;
}

/**
 * Default {@link ConnectionOptions.connectionWindowSize}: 1 MiB, room for 16
 * streams' default 64 KiB windows at once, a tenth of the default
 * `maxSessionMemory` (10 MB). node:http2 credits its connection window as DATA
 * arrives, so a peer with 16 streams can park as much at a Node server.
 */
export const DEFAULT_CONNECTION_WINDOW_SIZE = 1 << 20;

/** Options of {@link Connection.request}. */
export interface RequestOptions {
  /** Send END_STREAM on the HEADERS frame (no body). */
  endStream?: boolean;
  /** RFC 7540 priority fields to put on the HEADERS frame (no priority tree is kept). */
  priority?: PrioritySpec;
  /** Names of fields to send as never-indexed literals (Node's `sensitiveHeaders`). */
  sensitive?: ReadonlySet<string>;
  /** Initial `stream.context`, set before any event can mention the stream. */
  context?: unknown;
}

/** Options of {@link Connection.respond}. */
export interface RespondOptions {
  /** Send END_STREAM on the HEADERS frame (no body). */
  endStream?: boolean;
  /** Names of fields to send as never-indexed literals. */
  sensitive?: ReadonlySet<string>;
}
