/**
 * The per-stream record of the connection core, and the read-only view of it
 * that the layers above hold as their stream handle.
 * @packageDocumentation
 */
import type { RecvWindow, SendWindow } from '../flow';
import type { PrioritySpec } from '../frames';
import type { H2Error } from '../h2-error';
import { closedBy, isClosed, StreamState, type ClosedBy } from '../streams';

/**
 * One stream as the layers above see it. The core keeps it up to date; its
 * fields are read-only to everyone else except {@link context}.
 */
export interface CoreStream {
  /** The stream id; 0 while a request waits for MAX_CONCURRENT_STREAMS room. */
  readonly id: number;
  /** RFC 9113 §5.1 state (see `StreamState`), closed variants telling why. */
  readonly state: StreamState;
  /** Bytes accepted by `write()` and not yet framed: the backpressure signal for the writer above. */
  readonly queuedBytes: number;
  /**
   * Bytes delivered by `streamData` and not yet reported by `consumed()`. A
   * layer that drops a stream's unread data must still report it with
   * `consumed()`, or the connection window stays charged (after a reset the
   * core refunds it by itself, and this reads 0).
   */
  readonly bufferedBytes: number;
  /** Free slot for the upper layer's own stream object (no Map lookups on the hot path). */
  context: unknown;
  /** Initiated by us (client request, server push) rather than by the peer. */
  readonly local: boolean;
  /** A server-initiated (pushed) stream. */
  readonly pushed: boolean;
  /** Our (final) headers were queued: request HEADERS, or the final response. */
  readonly headersSent: boolean;
  /** The fields of our request or final response, as given. */
  readonly sentHeaders: ReadonlyArray<readonly [string, string]> | undefined;
  /** The fields of our trailers, as given. */
  readonly sentTrailers: ReadonlyArray<readonly [string, string]> | undefined;
  /**
   * The request is a HEAD request — ours (client), the peer's (server) or a
   * promised one — so its response carries no content (RFC 9110 §9.3.2).
   */
  readonly headRequest: boolean;
  /** The peer's first (request/final response) HEADERS carried END_STREAM (Node's `endAfterHeaders`). */
  readonly endAfterHeaders: boolean;
  /** `end()`, `trailers()` or an END_STREAM option was given: no more writes. */
  readonly ended: boolean;
  /** The RST_STREAM code that closed the stream, if it was reset (either way). */
  readonly rstCode: number | undefined;
  /** Whether the stream is closed. */
  readonly closed: boolean;
  /** Why it closed, see `ClosedBy`. */
  readonly closedBy: ClosedBy | undefined;
  /**
   * The peer did not process this stream (GOAWAY with a lower last stream id,
   * REFUSED_STREAM, or never sent): safe to retry elsewhere (RFC 9113 §8.7).
   */
  readonly retryable: boolean;
  /** The error that made us close the stream, when we detected one (peer protocol error or limit). */
  readonly error: H2Error | undefined;
  /** Our send window for this stream (Node's `remoteWindowSize`); may be negative. */
  readonly remoteWindowSize: number;
  /** The credit the peer still has on this stream (Node's `localWindowSize`). */
  readonly localWindowSize: number;
}

/** Queued bytes under which `streamWritable` fires again (Node's default `highWaterMark`, 16 KiB). */
export const WRITABLE_LOW_WATER = 16384;

/**
 * The mutable record behind {@link CoreStream}. Internal to the connection
 * core: every field is written by the core's modules only.
 */
export class StreamRecord implements CoreStream {
  id: number;
  state: StreamState = StreamState.IDLE;
  context: unknown = undefined;
  readonly local: boolean;
  pushed = false;

  // --- send side
  sendWindow!: SendWindow;
  /** Chunks written and not yet framed; `chunks[head]` is the next, `offset` octets of it already framed. */
  private chunks: Uint8Array[] = [];
  private head = 0;
  private offset = 0;
  queuedBytes = 0;
  /** `end()`/`trailers()`/END_STREAM given. */
  ended = false;
  /** The frame carrying END_STREAM was queued. */
  endSent = false;
  /** Trailers to send once the data is out. */
  trailerFields: ReadonlyArray<readonly [string, string]> | undefined = undefined;
  trailerSensitive: ReadonlySet<string> | undefined = undefined;
  /** In the connection's ready queue. */
  inQueue = false;
  /** Next in the ready queue. */
  nextReady: StreamRecord | null = null;
  /** `queuedBytes` reached the low-water mark: fire `streamWritable` when it drops below. */
  needWritable = false;
  headersSent = false;
  sentHeaders: ReadonlyArray<readonly [string, string]> | undefined = undefined;
  sentTrailers: ReadonlyArray<readonly [string, string]> | undefined = undefined;
  /** Client request waiting for an id: what to send when it starts. */
  pendingFields: ReadonlyArray<readonly [string, string]> | undefined = undefined;
  pendingEndStream = false;
  pendingPriority: PrioritySpec | undefined = undefined;
  pendingSensitive: ReadonlySet<string> | undefined = undefined;

  // --- receive side
  recvWindow!: RecvWindow;
  /** The request (server) or final response (client) headers arrived. */
  finalReceived = false;
  endAfterHeaders = false;
  /** content-length the body must match, -1 when unknown (§8.1.1). */
  expectedLength = -1;
  receivedLength = 0;
  headRequest = false;
  /** Client: we sent a CONNECT (classic or extended): a 2xx answer opens a tunnel, whatever length it announces. */
  connectRequest = false;
  /** Receive buffer already refunded to the connection window (the stream closed): `consumed()` is a no-op. */
  recvRefunded = false;

  // --- lifecycle
  rstCode: number | undefined = undefined;
  retryable = false;
  error: H2Error | undefined = undefined;
  /** The server started handling it (request delivered): a reset now counts for Rapid Reset (SECURITY #8). */
  handled = false;
  /** `streamClosed` fired. */
  closeReported = false;

  /**
   * @param owner the connection's `ConnectionContext`, to check handles passed back to it.
   * @param id 0 for a request that waits for an id.
   * @param local initiated by us.
   */
  constructor(
    readonly owner: object,
    id: number,
    local: boolean,
  ) {
    this.id = id;
    this.local = local;
  }

  get closed(): boolean {
    return isClosed(this.state);
  }

  get closedBy(): ClosedBy | undefined {
    return closedBy(this.state);
  }

  get bufferedBytes(): number {
    return this.recvWindow === undefined || this.recvRefunded ? 0 : this.recvWindow.buffered;
  }

  get remoteWindowSize(): number {
    return this.sendWindow === undefined ? 0 : this.sendWindow.available;
  }

  get localWindowSize(): number {
    return this.recvWindow === undefined ? 0 : this.recvWindow.window;
  }

  /** Appends a written chunk (kept by reference, not copied). */
  enqueue(data: Uint8Array): void {
    this.chunks.push(data);
    this.queuedBytes += data.length;
  }

  /**
   * Takes the next `n` queued octets (0 < n ≤ queuedBytes). Zero-copy when
   * they lie in one written chunk (the common case: writes at least a frame
   * long); otherwise the small pieces are copied into one buffer of `n`
   * octets (at most one frame).
   *
   * The zero-copy view is a plain Uint8Array even when the chunk is a Buffer:
   * `Buffer#subarray` goes through Buffer's species constructor, which cost
   * more than the view itself, once per DATA frame.
   */
  take(n: number): Uint8Array {
    const chunks = this.chunks;
    let chunk = chunks[this.head]!;
    let left = chunk.length - this.offset;
    let out: Uint8Array;
    if (left >= n) {
      out = new Uint8Array(chunk.buffer, chunk.byteOffset + this.offset, n);
      this.offset += n;
      if (this.offset === chunk.length) this.advance();
    } else {
      out = new Uint8Array(n);
      let filled = 0;
      while (filled < n) {
        // Not the `chunks` read above: advance() may have compacted the queue into a new array.
        chunk = this.chunks[this.head]!;
        left = chunk.length - this.offset;
        const k = left < n - filled ? left : n - filled;
        out.set(chunk.subarray(this.offset, this.offset + k), filled);
        filled += k;
        this.offset += k;
        if (this.offset === chunk.length) this.advance();
      }
    }
    this.queuedBytes -= n;
    return out;
  }

  /**
   * Takes `frames` × `size` queued octets (at most {@link queuedBytes}) for
   * a run of full DATA frames, appending `header` and a view of each frame's
   * payload to `out`. Within a written chunk the views are made from the
   * chunk's buffer read once, not once per frame: `TypedArray#buffer` is a
   * call into V8's runtime, which cost as much as the view itself. A frame
   * that spans two chunks is copied, as in {@link take}.
   */
  takeFrames(frames: number, size: number, header: Uint8Array, out: Uint8Array[]): void {
    let left = frames;
    while (left > 0) {
      const chunk = this.chunks[this.head]!;
      let whole = Math.floor((chunk.length - this.offset) / size);
      if (whole === 0) {
        out.push(header, this.take(size));
        left--;
        continue;
      }
      if (whole > left) whole = left;
      const buffer = chunk.buffer;
      let at = chunk.byteOffset + this.offset;
      for (let i = 0; i < whole; i++) {
        out.push(header, new Uint8Array(buffer, at, size));
        at += size;
      }
      const n = whole * size;
      this.offset += n;
      this.queuedBytes -= n;
      left -= whole;
      if (this.offset === chunk.length) this.advance();
    }
  }

  /** Drops everything queued; returns how many octets were dropped. */
  dropQueued(): number {
    const n = this.queuedBytes;
    this.chunks = [];
    this.head = 0;
    this.offset = 0;
    this.queuedBytes = 0;
    return n;
  }

  private advance(): void {
    this.chunks[this.head] = EMPTY;
    this.head++;
    this.offset = 0;
    if (this.head === this.chunks.length) {
      this.chunks.length = 0;
      this.head = 0;
    } else if (this.head >= 64 && this.head * 2 >= this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}

const EMPTY = new Uint8Array(0);
