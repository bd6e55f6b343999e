/**
 * The send queue of a stream record: `take()` frames queued writes across
 * chunk boundaries, and keeps working when `advance()` compacts the queue.
 */
import { StreamRecord } from '../../../src/protocol/connection/core-stream';

function queue(chunks: number, size: number): { s: StreamRecord; bytes: Buffer } {
  const s = new StreamRecord({}, 1, true);
  const parts: Buffer[] = [];
  for (let i = 0; i < chunks; i++) {
    const chunk = Buffer.alloc(size, i % 251);
    parts.push(chunk);
    s.enqueue(chunk);
  }
  return { s, bytes: Buffer.concat(parts) };
}

describe('StreamRecord.take', () => {
  it('returns the queued octets in order, zero-copy within a chunk and copied across chunks', () => {
    const { s, bytes } = queue(3, 10);
    const a = s.take(4);
    const b = s.take(12);
    const c = s.take(14);
    expect(Buffer.concat([a, b, c])).toEqual(bytes);
    expect(s.queuedBytes).toBe(0);
  });

  // Interop regression (64 MiB response to nghttp2 peers hung the process): a
  // frame straddling chunks, taken right when advance() compacts the queue
  // (≥ 64 chunks consumed), read the old array — whose slots are released —
  // and looped forever.
  it('takes frames that straddle chunks while the queue is compacted', () => {
    const { s, bytes } = queue(200, 100);
    const out: Uint8Array[] = [];
    while (s.queuedBytes > 0) out.push(s.take(Math.min(150, s.queuedBytes)));
    expect(Buffer.concat(out)).toEqual(bytes);
  });

  it('keeps taking while writes are appended (the queue never drains)', () => {
    const s = new StreamRecord({}, 1, true);
    const sent: Buffer[] = [];
    const got: Uint8Array[] = [];
    for (let i = 0; i < 300; i++) {
      const chunk = Buffer.alloc(64, i % 251);
      sent.push(chunk);
      s.enqueue(chunk);
      if (s.queuedBytes > 100) got.push(s.take(s.queuedBytes - 30));
    }
    got.push(s.take(s.queuedBytes));
    expect(Buffer.concat(got)).toEqual(Buffer.concat(sent));
  });
});
