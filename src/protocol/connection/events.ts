/**
 * What the connection core tells the layer above, synchronously, from
 * `receive()`, `tick()`, `takeOutput()` and commands.
 * @packageDocumentation
 */
import type { Frame, UnknownFrame } from '../frames';
import type { H2Error } from '../h2-error';
import type { CoreStream } from './core-stream';

/** What a received header block is (RFC 9113 §8.1). */
export type HeadersKind = 'request' | 'response' | 'informational' | 'trailers';

/** Who closed a stream: we (reset, error, GOAWAY we sent), the peer (RST_STREAM, GOAWAY), or nobody (END_STREAM both ways). */
export type CloseInitiator = 'local' | 'remote' | 'none';

/**
 * The callbacks of a {@link Connection}. Each is called synchronously; a
 * handler may call commands on the connection (e.g. `respond` from
 * `streamHeaders`). An exception thrown by a handler during `receive` is
 * treated as a bug: the connection fails with INTERNAL_ERROR.
 *
 * Byte arrays handed to handlers (`data`) are views of the received chunk,
 * not copies: keep them only if the chunk is not reused (Node socket chunks
 * never are). PING payloads and GOAWAY debug data are copies.
 */
export interface ConnectionEvents {
  /**
   * A complete, valid header block arrived on `stream` (RFC 9113 §8.1):
   * `request` (server: a new stream), `response` (final, client),
   * `informational` (1xx, client; possibly several), `trailers` (always with
   * `endStream`). `neverIndexed` lists fields sent as never-indexed literals
   * (Node's `sensitiveHeaders`), `undefined` if none.
   */
  streamHeaders(
    stream: CoreStream,
    fields: Array<[string, string]>,
    kind: HeadersKind,
    endStream: boolean,
    neverIndexed: string[] | undefined,
  ): void;
  /**
   * DATA for `stream`. Flow-controlled: the peer's credit is restored only when
   * the layer above calls `consumed(stream, n)` as it reads (DESIGN principle 4).
   */
  streamData(stream: CoreStream, data: Uint8Array, endStream: boolean): void;
  /** A request that waited for MAX_CONCURRENT_STREAMS room got its id; its HEADERS are queued. */
  streamStarted?(stream: CoreStream): void;
  /**
   * `stream` is closed (once per stream). `code` is the RST_STREAM / GOAWAY
   * code, 0 for a clean close (`initiator` `none`). When `stream.retryable`,
   * the peer has not processed it (GOAWAY above it, or REFUSED_STREAM) and the
   * request may be retried on another connection (§8.7).
   */
  streamClosed(stream: CoreStream, code: number, initiator: CloseInitiator): void;
  /** `stream.queuedBytes` fell below the low-water mark after having been above it. */
  streamWritable?(stream: CoreStream): void;
  /** Client: the server promised `promised` (reserved, §8.4) with request `fields`, on `parent`. */
  pushPromise(parent: CoreStream, promised: CoreStream, fields: Array<[string, string]>): void;
  /** The peer's SETTINGS were applied and acknowledged. */
  remoteSettings(entries: Array<[number, number]>): void;
  /** The peer acknowledged our SETTINGS `entries`; they are now in force. */
  localSettingsAcked(entries: Array<[number, number]>): void;
  /** The peer pinged us; the ACK is queued. */
  ping(payload: Uint8Array): void;
  /** One of our PINGs was acknowledged after `rtt` clock units. */
  pingAck(payload: Uint8Array, rtt: number): void;
  /** A GOAWAY was sent (`local`) or received (`remote`). */
  goaway(lastStreamId: number, code: number, debugData: Uint8Array, initiator: 'local' | 'remote'): void;
  /** Client: an ALTSVC frame (RFC 7838); a server ignores them. */
  altsvc?(streamId: number, origin: string, value: string): void;
  /** Client: an ORIGIN frame (RFC 8336); a server ignores them. */
  origin?(origins: string[]): void;
  /** Debugging tap: every frame in and out. Zero cost when absent. */
  frame?(frame: Frame, direction: 'in' | 'out'): void;
  /**
   * The connection failed (a peer protocol error, a limit, a timeout, or a bug
   * of ours): GOAWAY is queued, every stream was closed, and the connection
   * accepts no more input. Order: `streamClosed` for each stream, `goaway`
   * (local), then `error`. Take the output (it ends with the GOAWAY), then
   * close the transport.
   */
  error(error: H2Error): void;
  /** An extension frame of a type the core does not know (§5.5: otherwise ignored). */
  unknownFrame?(frame: UnknownFrame): void;
}
