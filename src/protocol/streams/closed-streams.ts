import { isClosed, StreamState } from './stream-state';
import type { StreamIds } from './stream-ids';

/**
 * Default maximum number of closed streams remembered per connection
 * (SECURITY #14). 1024 is above Node's `streamResetBurst` (1000), so every
 * stream of a legitimate burst of cancellations is still remembered (and late
 * frames for it silently ignored) when the burst ends; the cost is fixed at
 * roughly 1024 × (Map entry + 13 bytes of typed arrays) ≈ 60–80 KB however
 * many streams the connection carries. Compare h2 (Python) 2^16 and hyperium
 * 50 for 1 s.
 */
export const DEFAULT_CLOSED_STREAMS_MAX = 1024;

/**
 * Default time (input-clock units; ms by convention) a closed stream is
 * remembered: 10 s. Long enough for frames the peer had in flight when the
 * stream closed to arrive even over slow, bufferbloated paths (several RTTs of
 * a 1–2 s path). Time only decides when we *forget*, and a forgotten stream
 * is handled leniently (`CLOSED_FORGOTTEN`: stream error at worst, never a
 * connection error), as RFC 9113 §5.1 asks ("Endpoints SHOULD NOT use timers"
 * to decide that late frames are connection errors).
 */
export const DEFAULT_CLOSED_STREAMS_TTL = 10_000;

/** Options of {@link ClosedStreams}. */
export interface ClosedStreamsOptions {
  /** Most entries kept; default {@link DEFAULT_CLOSED_STREAMS_MAX}. */
  maxCount?: number;
  /** How long an entry lives, in input-clock units; default {@link DEFAULT_CLOSED_STREAMS_TTL}. */
  ttl?: number;
}

/**
 * A bounded registry of recently closed streams and why they closed
 * (SECURITY #14: 10^6 short streams must not grow memory). An entry is dropped
 * when `maxCount` newer entries exist or when `ttl` has passed since it closed,
 * whichever comes first. Storage is a fixed ring (typed arrays) plus a Map from
 * id to ring slot; no allocation per entry beyond the Map's own slots.
 *
 * Entries are assumed to be added in non-decreasing `now` order (the input
 * clock); an earlier `now` is clamped to the latest seen.
 */
export class ClosedStreams {
  /** Maximum number of entries. */
  readonly maxCount: number;
  /** Time to live of an entry. */
  readonly ttl: number;

  private readonly ids: Int32Array;
  private readonly states: Uint8Array;
  private readonly closedAt: Float64Array;
  private readonly slots = new Map<number, number>();
  private head = 0; // oldest entry
  private count = 0;
  private latest = -Infinity;

  /** @param options see {@link ClosedStreamsOptions}. */
  constructor(options: ClosedStreamsOptions = {}) {
    this.maxCount = Math.max(1, Math.floor(options.maxCount ?? DEFAULT_CLOSED_STREAMS_MAX));
    this.ttl = options.ttl ?? DEFAULT_CLOSED_STREAMS_TTL;
    this.ids = new Int32Array(this.maxCount);
    this.states = new Uint8Array(this.maxCount);
    this.closedAt = new Float64Array(this.maxCount);
  }

  /** Number of streams remembered now (≤ `maxCount`). */
  get size(): number {
    return this.count;
  }

  /**
   * Remembers that stream `id` closed in `state` (a closed state) at `closedAt`
   * (input clock). Evicts the oldest entry if full. Re-adding an id replaces
   * its earlier entry.
   */
  add(id: number, state: StreamState, closedAt: number): void {
    if (!isClosed(state)) throw new RangeError(`ClosedStreams.add: state ${state} is not closed`);
    if (closedAt < this.latest) closedAt = this.latest;
    this.latest = closedAt;
    this.prune(closedAt);
    const existing = this.slots.get(id);
    if (existing !== undefined) this.ids[existing] = 0; // tombstone; its slot ages out normally
    if (this.count === this.maxCount) this.evictOldest();
    const slot = (this.head + this.count) % this.maxCount;
    this.ids[slot] = id;
    this.states[slot] = state;
    this.closedAt[slot] = closedAt;
    this.slots.set(id, slot);
    this.count++;
  }

  /**
   * The remembered closed state of `id` at time `now`, or `undefined` if the
   * stream is not (or no longer) remembered. Expired entries are dropped first.
   */
  get(id: number, now: number): StreamState | undefined {
    this.prune(now);
    const slot = this.slots.get(id);
    return slot === undefined ? undefined : (this.states[slot] as StreamState);
  }

  /** When `id` closed (input clock), or `undefined` if not remembered. */
  closedTime(id: number): number | undefined {
    const slot = this.slots.get(id);
    return slot === undefined ? undefined : this.closedAt[slot];
  }

  /** Drops every entry whose TTL has passed at `now`. Amortised O(1) per entry. */
  prune(now: number): void {
    while (this.count > 0 && now - this.closedAt[this.head]! >= this.ttl) this.evictOldest();
  }

  private evictOldest(): void {
    const slot = this.head;
    const id = this.ids[slot]!;
    if (id !== 0 && this.slots.get(id) === slot) this.slots.delete(id);
    this.head = (this.head + 1) % this.maxCount;
    this.count--;
  }
}

/**
 * The state of a stream that has no active record: the registry's remembered
 * closed state if any, else what the id rules say (§5.1.1: idle above the
 * initiator's high-water mark, otherwise closed). No allocation.
 */
export function inactiveStreamState(id: number, now: number, closed: ClosedStreams, ids: StreamIds): StreamState {
  return closed.get(id, now) ?? ids.stateOfInactive(id);
}
