/**
 * Our outstanding PINGs (RFC 9113 §6.7) and their round-trip times.
 * @packageDocumentation
 */
import { PING_PAYLOAD_LENGTH } from '../frames';

/**
 * The PINGs we sent and not yet saw acknowledged, at most `max` of them
 * (Node's `maxOutstandingPings`). Linear search: `max` is small (10).
 */
export class PingTracker {
  private readonly payloads: Uint8Array[] = [];
  private readonly sentAt: number[] = [];
  private counter = 0;

  /** @param max most PINGs awaiting an ACK. */
  constructor(readonly max: number) {}

  /** Number of PINGs awaiting an ACK. */
  get outstanding(): number {
    return this.payloads.length;
  }

  /**
   * A fresh 8-octet payload when the caller gives none: a counter, so the core
   * stays deterministic (no randomness in the sans-I/O layer).
   */
  nextPayload(): Uint8Array {
    const p = new Uint8Array(PING_PAYLOAD_LENGTH);
    let n = ++this.counter;
    for (let i = PING_PAYLOAD_LENGTH - 1; i >= 0 && n > 0; i--) {
      p[i] = n & 0xff;
      n = Math.floor(n / 256);
    }
    return p;
  }

  /** Records a PING sent at `now`; false (nothing recorded) when `max` are already outstanding. */
  send(payload: Uint8Array, now: number): boolean {
    if (this.payloads.length >= this.max) return false;
    this.payloads.push(payload);
    this.sentAt.push(now);
    return true;
  }

  /**
   * Matches an ACK's payload with the oldest PING carrying it. Returns when
   * that PING was sent, or `undefined` for an ACK we did not ask for (ignored,
   * as nghttp2 does).
   */
  ack(payload: Uint8Array): number | undefined {
    for (let i = 0; i < this.payloads.length; i++) {
      if (sameBytes(this.payloads[i]!, payload)) {
        const at = this.sentAt[i]!;
        this.payloads.splice(i, 1);
        this.sentAt.splice(i, 1);
        return at;
      }
    }
    return undefined;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
