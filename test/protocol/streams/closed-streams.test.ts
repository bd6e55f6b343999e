import {
  ClosedStreams,
  DEFAULT_CLOSED_STREAMS_MAX,
  DEFAULT_CLOSED_STREAMS_TTL,
  inactiveStreamState,
  Role,
  StreamIds,
  StreamState,
} from '../../../src/protocol/streams';

const gc = (globalThis as { gc?: () => void }).gc;

describe('closed-stream registry (SECURITY #14)', () => {
  test('remembers why a stream closed, and when', () => {
    const r = new ClosedStreams();
    r.add(1, StreamState.CLOSED_LOCAL_RESET, 100);
    r.add(3, StreamState.CLOSED_END_STREAM, 101);
    expect(r.get(1, 102)).toBe(StreamState.CLOSED_LOCAL_RESET);
    expect(r.get(3, 102)).toBe(StreamState.CLOSED_END_STREAM);
    expect(r.get(5, 102)).toBeUndefined();
    expect(r.closedTime(1)).toBe(100);
    expect(r.size).toBe(2);
  });

  test('only closed states are accepted', () => {
    expect(() => new ClosedStreams().add(1, StreamState.OPEN, 0)).toThrow(RangeError);
  });

  test('TTL expiry on virtual time', () => {
    const r = new ClosedStreams({ ttl: 1000 });
    r.add(1, StreamState.CLOSED_REMOTE_RESET, 0);
    r.add(3, StreamState.CLOSED_REMOTE_RESET, 500);
    expect(r.get(1, 999)).toBe(StreamState.CLOSED_REMOTE_RESET);
    expect(r.get(1, 1000)).toBeUndefined();
    expect(r.get(3, 1000)).toBe(StreamState.CLOSED_REMOTE_RESET);
    expect(r.size).toBe(1);
    r.prune(10_000);
    expect(r.size).toBe(0);
  });

  test('defaults', () => {
    const r = new ClosedStreams();
    expect(r.maxCount).toBe(DEFAULT_CLOSED_STREAMS_MAX);
    expect(r.ttl).toBe(DEFAULT_CLOSED_STREAMS_TTL);
  });

  test('count bound: the oldest is evicted first', () => {
    const r = new ClosedStreams({ maxCount: 3, ttl: Infinity });
    for (const id of [1, 3, 5, 7]) r.add(id, StreamState.CLOSED_END_STREAM, id);
    expect(r.size).toBe(3);
    expect(r.get(1, 8)).toBeUndefined();
    expect(r.get(7, 8)).toBe(StreamState.CLOSED_END_STREAM);
  });

  test('re-adding an id replaces its entry', () => {
    const r = new ClosedStreams({ maxCount: 2, ttl: Infinity });
    r.add(1, StreamState.CLOSED_END_STREAM, 0);
    r.add(1, StreamState.CLOSED_LOCAL_RESET, 1);
    expect(r.get(1, 1)).toBe(StreamState.CLOSED_LOCAL_RESET);
    r.add(3, StreamState.CLOSED_END_STREAM, 2); // evicts the stale slot of 1, not the live one
    expect(r.get(1, 2)).toBe(StreamState.CLOSED_LOCAL_RESET);
  });

  test('a clock going backwards is clamped', () => {
    const r = new ClosedStreams({ ttl: 10 });
    r.add(1, StreamState.CLOSED_END_STREAM, 100);
    r.add(3, StreamState.CLOSED_END_STREAM, 50);
    expect(r.closedTime(3)).toBe(100);
  });

  test('10^6 short streams: bounded count and heap', () => {
    const r = new ClosedStreams();
    const ids = new StreamIds(Role.SERVER);
    gc?.();
    const before = process.memoryUsage().heapUsed;
    let maxSize = 0;
    for (let i = 0; i < 1_000_000; i++) {
      const id = 2 * i + 1;
      ids.acceptRemote(id);
      r.add(id, i % 2 ? StreamState.CLOSED_END_STREAM : StreamState.CLOSED_REMOTE_RESET, i / 100);
      if (r.size > maxSize) maxSize = r.size;
    }
    gc?.();
    const growth = process.memoryUsage().heapUsed - before;
    expect(maxSize).toBe(DEFAULT_CLOSED_STREAMS_MAX);
    expect(r.size).toBe(DEFAULT_CLOSED_STREAMS_MAX);
    // Fixed storage is ~60-80 KB; allow for GC noise when --expose-gc is not on.
    expect(growth).toBeLessThan(gc ? 2 * 1024 * 1024 : 16 * 1024 * 1024);
    // The oldest are forgotten but still known closed (ids below the highest seen).
    const now = 1_000_000 / 100;
    expect(inactiveStreamState(1, now, r, ids)).toBe(StreamState.CLOSED_FORGOTTEN);
    expect(inactiveStreamState(2 * 999_999 + 1, now, r, ids)).toBe(StreamState.CLOSED_END_STREAM);
    expect(inactiveStreamState(2 * 1_000_000 + 1, now, r, ids)).toBe(StreamState.IDLE);
  });

  test('TTL bound holds under a slow trickle too', () => {
    const r = new ClosedStreams({ ttl: 1000 });
    for (let i = 0; i < 100_000; i++) r.add(2 * i + 1, StreamState.CLOSED_END_STREAM, i * 100);
    expect(r.size).toBe(10); // 1000 / 100
  });
});
