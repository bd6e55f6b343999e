/**
 * A token bucket on the input clock, for rate limits that must be
 * deterministic under test (SECURITY.md: "run rate limiters and timeouts on
 * virtual time").
 * @packageDocumentation
 */

/**
 * A token bucket: holds at most `burst` tokens, refills continuously at
 * `ratePerSecond` tokens per 1000 clock units (ms), and each event takes one.
 * Used for Rapid Reset (SECURITY #8) and the glitch budget (SECURITY #9).
 * Refill is computed lazily from the clock, so the bucket needs no timer.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  /**
   * @param burst capacity, and the starting level.
   * @param ratePerSecond refill rate; 0 makes `burst` a lifetime budget.
   * @param now the clock at creation.
   */
  constructor(
    readonly burst: number,
    readonly ratePerSecond: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Tokens available at `now` (fractional). */
  level(now: number): number {
    this.refill(now);
    return this.tokens;
  }

  /** Takes one token at `now`; false when the bucket is empty (the limit fired). */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private refill(now: number): void {
    const elapsed = now - this.last;
    if (elapsed <= 0) return;
    this.last = now;
    const t = this.tokens + (elapsed * this.ratePerSecond) / 1000;
    this.tokens = t < this.burst ? t : this.burst;
  }
}
