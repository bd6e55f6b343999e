import { ErrorCode } from '../error-code';
import { H2Error } from '../h2-error';
import { Role, StreamState } from './stream-state';

/** The largest stream identifier: 31 bits (RFC 9113 §5.1.1). */
export const MAX_STREAM_ID = 0x7fffffff;

/**
 * Default number of skipped-id ranges remembered per connection (see
 * {@link StreamIds}). A conforming client uses consecutive odd ids, so it
 * creates no gaps at all; 16 is ample for peers that skip a few, and bounds
 * what a peer that skips on purpose can make us remember (SECURITY #14). Gaps
 * beyond it are forgotten oldest-first, which only makes later frames on those
 * ids handled leniently (`CLOSED_FORGOTTEN`) instead of as a connection error.
 */
export const DEFAULT_MAX_ID_GAPS = 16;

/** Options of {@link StreamIds}. */
export interface StreamIdsOptions {
  /** How many skipped-id ranges of the peer to remember; default {@link DEFAULT_MAX_ID_GAPS}. */
  maxGaps?: number;
}

/**
 * Stream identifier rules of RFC 9113 §5.1.1 for one connection:
 *
 * - "Streams initiated by a client MUST use odd-numbered stream identifiers;
 *   those initiated by the server MUST use even-numbered stream identifiers."
 * - "The identifier of a newly established stream MUST be numerically greater
 *   than all streams that the initiating endpoint has opened or reserved." An
 *   unexpected id is a connection error PROTOCOL_ERROR.
 * - "The first use of a new stream identifier implicitly closes all streams in
 *   the 'idle' state that might have been initiated by that peer with a
 *   lower-valued stream identifier."
 *
 * Memory is O(1): two high-water marks and a small ring of skipped ranges.
 */
export class StreamIds {
  /** Next id we will open (client: 1, 3, …; server: 2, 4, …), or 0 once ids are exhausted. */
  nextLocalId: number;
  /** Highest id the peer has opened or reserved; 0 if none. */
  highestRemoteId = 0;

  private readonly gapLow: Int32Array;
  private readonly gapHigh: Int32Array;
  private gapCount = 0;
  private gapHead = 0; // index of the oldest gap

  /**
   * @param role our role; decides which parity is ours.
   * @param options see {@link StreamIdsOptions}.
   */
  constructor(
    readonly role: Role,
    options: StreamIdsOptions = {},
  ) {
    this.nextLocalId = role === Role.CLIENT ? 1 : 2;
    const maxGaps = Math.max(0, Math.floor(options.maxGaps ?? DEFAULT_MAX_ID_GAPS));
    this.gapLow = new Int32Array(maxGaps);
    this.gapHigh = new Int32Array(maxGaps);
  }

  /** Whether `id` has our parity (we initiate it). Stream 0 is neither side's. */
  isLocalId(id: number): boolean {
    return id !== 0 && (id & 1) === (this.role === Role.CLIENT ? 1 : 0);
  }

  /** Whether `id` has the peer's parity. */
  isRemoteId(id: number): boolean {
    return id !== 0 && (id & 1) === (this.role === Role.CLIENT ? 0 : 1);
  }

  /** Highest id we have opened or reserved; 0 if none. */
  get highestLocalId(): number {
    if (this.nextLocalId === 0) return MAX_STREAM_ID - (this.role === Role.CLIENT ? 0 : 1);
    return Math.max(0, this.nextLocalId - 2);
  }

  /**
   * Takes the next id for a stream we open (client HEADERS) or reserve
   * (server PUSH_PROMISE). Returns 0 when the 31-bit space is exhausted: §5.1.1
   * "Stream identifiers cannot be reused"; the caller must refuse the command
   * and open a new connection (and may send GOAWAY).
   */
  allocateLocal(): number {
    const id = this.nextLocalId;
    if (id === 0) return 0;
    this.nextLocalId = id + 2 > MAX_STREAM_ID ? 0 : id + 2;
    return id;
  }

  /**
   * Validates and records an id the peer opens (HEADERS on an idle stream) or
   * reserves (PUSH_PROMISE's promised id). Returns a connection PROTOCOL_ERROR
   * (§5.1.1) for the wrong parity, 0, or an id not above every id the peer has
   * used; otherwise records it (remembering any skipped range, which is now
   * implicitly closed) and returns `undefined`.
   */
  acceptRemote(id: number): H2Error | undefined {
    if (!this.isRemoteId(id) || id > MAX_STREAM_ID) {
      return H2Error.connection(
        ErrorCode.PROTOCOL_ERROR,
        `stream ${id} cannot be initiated by the ${this.role === Role.CLIENT ? 'server' : 'client'} (§5.1.1: clients use odd ids, servers even ids)`,
      );
    }
    if (id <= this.highestRemoteId) {
      return H2Error.connection(
        ErrorCode.PROTOCOL_ERROR,
        `stream ${id} is not greater than ${this.highestRemoteId}, the highest id the peer has used (§5.1.1)`,
      );
    }
    const expected = this.highestRemoteId === 0 ? (this.role === Role.CLIENT ? 2 : 1) : this.highestRemoteId + 2;
    if (id > expected) this.rememberGap(expected, id - 2);
    this.highestRemoteId = id;
    return undefined;
  }

  /**
   * The state of a stream that is neither active nor in the closed-stream
   * registry (§5.1.1): `IDLE` if its initiator has not reached it yet,
   * `CLOSED_IMPLICIT` if the peer skipped it (and we still remember the gap),
   * otherwise `CLOSED_FORGOTTEN` (it existed and its record was dropped).
   */
  stateOfInactive(id: number): StreamState {
    if (this.isLocalId(id)) {
      // We never skip ids, so every local id below the next one was opened.
      return this.nextLocalId !== 0 && id >= this.nextLocalId ? StreamState.IDLE : StreamState.CLOSED_FORGOTTEN;
    }
    if (id > this.highestRemoteId) return StreamState.IDLE;
    const cap = this.gapLow.length;
    for (let k = 0; k < this.gapCount; k++) {
      const i = (this.gapHead + k) % cap;
      if (id >= this.gapLow[i]! && id <= this.gapHigh[i]!) return StreamState.CLOSED_IMPLICIT;
    }
    return StreamState.CLOSED_FORGOTTEN;
  }

  /** Number of skipped-id ranges currently remembered (bounded by `maxGaps`). */
  get gapCountRemembered(): number {
    return this.gapCount;
  }

  private rememberGap(low: number, high: number): void {
    const cap = this.gapLow.length;
    if (cap === 0) return;
    let slot: number;
    if (this.gapCount === cap) {
      slot = this.gapHead; // overwrite the oldest
      this.gapHead = (this.gapHead + 1) % cap;
    } else {
      slot = (this.gapHead + this.gapCount) % cap;
      this.gapCount++;
    }
    this.gapLow[slot] = low;
    this.gapHigh[slot] = high;
  }
}
