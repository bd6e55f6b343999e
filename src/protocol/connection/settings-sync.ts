/**
 * SETTINGS bookkeeping (RFC 9113 §6.5): the values in force in each direction
 * and our SETTINGS frames awaiting acknowledgement.
 * @packageDocumentation
 */
import { SettingId } from '../settings';

/** "No limit" for MAX_CONCURRENT_STREAMS / MAX_HEADER_LIST_SIZE, as Node reports it: 2^32 − 1. */
export const UNLIMITED = 0xffffffff;

/**
 * The settings in force in one direction, with the initial values of
 * §6.5.2 (unlimited settings as {@link UNLIMITED}). Booleans are kept as
 * 0/1, as on the wire. Identifiers the core does not know are kept in
 * `custom` (§6.5.2: ignored, but Node reports them).
 */
export class SettingsValues {
  headerTableSize = 4096;
  enablePush = 1;
  maxConcurrentStreams = UNLIMITED;
  initialWindowSize = 65535;
  maxFrameSize = 16384;
  maxHeaderListSize = UNLIMITED;
  enableConnectProtocol = 0;
  /** Unknown identifiers received or sent, last value wins. */
  readonly custom = new Map<number, number>();

  /** The value of `id` in force (`undefined` for an unknown id never set). */
  get(id: number): number | undefined {
    switch (id) {
      case SettingId.HEADER_TABLE_SIZE:
        return this.headerTableSize;
      case SettingId.ENABLE_PUSH:
        return this.enablePush;
      case SettingId.MAX_CONCURRENT_STREAMS:
        return this.maxConcurrentStreams;
      case SettingId.INITIAL_WINDOW_SIZE:
        return this.initialWindowSize;
      case SettingId.MAX_FRAME_SIZE:
        return this.maxFrameSize;
      case SettingId.MAX_HEADER_LIST_SIZE:
        return this.maxHeaderListSize;
      case SettingId.ENABLE_CONNECT_PROTOCOL:
        return this.enableConnectProtocol;
      default:
        return this.custom.get(id);
    }
  }

  /** Sets `id` to `value` (already validated). */
  set(id: number, value: number): void {
    switch (id) {
      case SettingId.HEADER_TABLE_SIZE:
        this.headerTableSize = value;
        break;
      case SettingId.ENABLE_PUSH:
        this.enablePush = value;
        break;
      case SettingId.MAX_CONCURRENT_STREAMS:
        this.maxConcurrentStreams = value;
        break;
      case SettingId.INITIAL_WINDOW_SIZE:
        this.initialWindowSize = value;
        break;
      case SettingId.MAX_FRAME_SIZE:
        this.maxFrameSize = value;
        break;
      case SettingId.MAX_HEADER_LIST_SIZE:
        this.maxHeaderListSize = value;
        break;
      case SettingId.ENABLE_CONNECT_PROTOCOL:
        this.enableConnectProtocol = value;
        break;
      default:
        this.custom.set(id, value);
    }
  }
}

interface PendingSettings {
  entries: Array<[number, number]>;
  sentAt: number;
}

/**
 * Our side of the SETTINGS exchange (§6.5.3: "the values in the SETTINGS frame
 * MUST be processed in the order they appear"; they take effect for the peer
 * when it processes them, and we learn that from its ACK).
 *
 * `acked` holds the values the peer has acknowledged. Between sending and the
 * ACK the peer may already be using the new values, so for every limit on
 * what the peer sends us the core enforces {@link permissive}: the most
 * lenient of the acknowledged value and every value still in flight. An
 * increase therefore applies when sent and a decrease when acknowledged, and
 * the peer is never punished for a frame that was legal under either
 * (RFC 9113 §6.9.2 makes the same point for the initial window size).
 */
export class LocalSettingsSync {
  /** Values the peer has acknowledged (Node's `localSettings`). */
  readonly acked = new SettingsValues();
  private readonly pending: PendingSettings[] = [];
  private readonly everAcked = new Set<number>();

  /** Number of our SETTINGS frames not yet acknowledged. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** When the oldest unacknowledged SETTINGS was sent; `undefined` if none. */
  get oldestSentAt(): number | undefined {
    return this.pending.length > 0 ? this.pending[0]!.sentAt : undefined;
  }

  /** Records a SETTINGS frame we sent at `now`. */
  send(entries: Array<[number, number]>, now: number): void {
    this.pending.push({ entries, sentAt: now });
  }

  /** Applies the oldest pending frame on its ACK; `undefined` when none was pending (an unexpected ACK). */
  ack(): Array<[number, number]> | undefined {
    const p = this.pending.shift();
    if (p === undefined) return undefined;
    for (const [id, value] of p.entries) {
      this.acked.set(id, value);
      this.everAcked.add(id);
    }
    return p.entries;
  }

  /** The largest of the acknowledged value of `id` and its values in flight. */
  permissive(id: number): number {
    let v = this.acked.get(id) ?? 0;
    for (const p of this.pending) {
      for (const [pid, value] of p.entries) if (pid === id && value > v) v = value;
    }
    return v;
  }

  /** The value of `id` in the SETTINGS frame we sent last that set it (acknowledged or not), `undefined` if we never sent it. */
  latest(id: number): number | undefined {
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const entries = this.pending[i]!.entries;
      for (let j = entries.length - 1; j >= 0; j--) if (entries[j]![0] === id) return entries[j]![1];
    }
    return this.everAcked.has(id) ? this.acked.get(id) : undefined;
  }

  /** Whether a frame in flight sets `id` to `value`. */
  pendingHas(id: number, value: number): boolean {
    for (const p of this.pending) {
      for (const [pid, v] of p.entries) if (pid === id && v === value) return true;
    }
    return false;
  }
}
