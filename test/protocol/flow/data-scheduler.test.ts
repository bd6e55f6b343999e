import { dataFrameFloor, DEFAULT_MIN_DATA_FRAME, nextDataFrameSize, SendWindow } from '../../../src/protocol/flow';

describe('DATA frame sizing', () => {
  const F = 16384;
  const floor = dataFrameFloor(65535, F);

  test('floor = min(1024, max frame size, half the peer initial window), at least 1', () => {
    expect(floor).toBe(DEFAULT_MIN_DATA_FRAME);
    expect(dataFrameFloor(100, F)).toBe(50);
    expect(dataFrameFloor(2048, F)).toBe(1024);
    expect(dataFrameFloor(2047, F)).toBe(1023);
    expect(dataFrameFloor(0, F)).toBe(1);
    expect(dataFrameFloor(65535, F, 4096)).toBe(4096);
  });

  test('bounded by queued bytes, both windows and the max frame size (§6.9, §4.2)', () => {
    expect(nextDataFrameSize(100_000, 65535, 65535, F, floor)).toBe(F);
    expect(nextDataFrameSize(500, 65535, 65535, F, floor)).toBe(500);
    expect(nextDataFrameSize(100_000, 5000, 65535, F, floor)).toBe(5000);
    expect(nextDataFrameSize(100_000, 65535, 3000, F, floor)).toBe(3000);
    expect(nextDataFrameSize(0, 65535, 65535, F, floor)).toBe(0);
  });

  test('windows ≤ 0 (after a SETTINGS decrease, §6.9.2) allow nothing', () => {
    expect(nextDataFrameSize(100, -5, 65535, F, floor)).toBe(0);
    expect(nextDataFrameSize(100, 65535, -1, F, floor)).toBe(0);
    expect(nextDataFrameSize(100, 0, 0, F, floor)).toBe(0);
  });

  test('stream-window-limited frames below the floor are held back', () => {
    expect(nextDataFrameSize(100_000, 1023, 65535, F, floor)).toBe(0);
    expect(nextDataFrameSize(100_000, 1024, 65535, F, floor)).toBe(1024);
  });

  test('…unless the frame carries everything queued (end of stream)', () => {
    expect(nextDataFrameSize(10, 10, 65535, F, floor)).toBe(10);
    expect(nextDataFrameSize(10, 1, 65535, F, floor)).toBe(0); // 1 byte of 10: held
    expect(nextDataFrameSize(1, 1, 65535, F, floor)).toBe(1);
  });

  test('connection-window-limited small frames are sent (no cross-stream deadlock)', () => {
    expect(nextDataFrameSize(100_000, 65535, 10, F, floor)).toBe(10);
  });

  test('SECURITY #10: window drained, then +1 WINDOW_UPDATEs: no DATA below the floor unless EOS', () => {
    const body = 200_000;
    let queued = body;
    const stream = new SendWindow(1, 65535);
    const conn = new SendWindow(0, 1 << 30);
    const frames: number[] = [];
    const pump = () => {
      for (;;) {
        const n = nextDataFrameSize(queued, stream.available, conn.available, F, floor);
        if (n === 0) return;
        stream.consume(n);
        conn.consume(n);
        queued -= n;
        frames.push(n);
      }
    };
    pump();
    expect(frames).toEqual([F, F, F, 65535 - 3 * F]);
    let updates = 0;
    while (queued > 0) {
      stream.increase(1);
      updates++;
      pump();
    }
    const dribbled = frames.slice(4);
    // every frame is ≥ the floor, except possibly the last one, which ends the body
    for (const n of dribbled.slice(0, -1)) expect(n).toBeGreaterThanOrEqual(floor);
    expect(dribbled.at(-1)).toBe(body - 65535 - (dribbled.length - 1) * floor);
    expect(dribbled.length).toBeLessThanOrEqual(Math.ceil(updates / floor));
  });

  test('SECURITY #10: peer INITIAL_WINDOW_SIZE = 1 on 100 streams: frames proportional to bytes, never deadlocked', () => {
    const tinyFloor = dataFrameFloor(1, F);
    expect(tinyFloor).toBe(1);
    let frames = 0;
    let bytes = 0;
    for (let s = 0; s < 100; s++) {
      const stream = new SendWindow(2 * s + 1, 1);
      let queued = 50;
      for (let u = 0; queued > 0; u++) {
        const n = nextDataFrameSize(queued, stream.available, 1 << 30, F, tinyFloor);
        if (n > 0) {
          stream.consume(n);
          queued -= n;
          frames++;
          bytes += n;
        } else {
          stream.increase(1);
        }
        expect(u).toBeLessThan(200);
      }
    }
    expect(bytes).toBe(100 * 50);
    expect(frames).toBe(bytes);
  });
});
