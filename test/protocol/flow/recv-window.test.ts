import { ErrorCode } from '../../../src/protocol/error-code';
import { MAX_WINDOW_SIZE } from '../../../src/protocol/frames/frame-type';
import { DEFAULT_AUTOTUNE_MAX_WINDOW, type GlitchCounter, RecvWindow } from '../../../src/protocol/flow';

describe('receive window (RFC 9113 §6.9): credit on consumption', () => {
  test('DATA is charged; credit comes only from consumed(), never from receive()', () => {
    const w = new RecvWindow(1, 65535);
    expect(w.receive(16384)).toBeUndefined();
    expect(w.window).toBe(65535 - 16384);
    expect(w.buffered).toBe(16384);
    expect(w.owed).toBe(0);
    expect(w.flush()).toBe(0); // nothing consumed, nothing to credit
  });

  test('a WINDOW_UPDATE is produced only once owed credit reaches half the target', () => {
    const w = new RecvWindow(1, 65536);
    w.receive(65536);
    expect(w.window).toBe(0);
    expect(w.consumed(16384)).toBe(0);
    expect(w.consumed(16383)).toBe(0); // 32767 owed < 32768
    expect(w.owed).toBe(32767);
    expect(w.consumed(1)).toBe(32768);
    expect(w.window).toBe(32768);
    expect(w.owed).toBe(0);
  });

  test('a configurable fraction', () => {
    const w = new RecvWindow(1, 1000, { updateFraction: 0.1 });
    w.receive(1000);
    expect(w.consumed(99)).toBe(0);
    expect(w.consumed(1)).toBe(100);
    expect(() => new RecvWindow(1, 10, { updateFraction: 0 })).toThrow(RangeError);
    expect(() => new RecvWindow(1, 10, { updateFraction: 1.5 })).toThrow(RangeError);
  });

  test('flush() announces everything owed regardless of the threshold', () => {
    const w = new RecvWindow(0, 65535);
    w.receive(100);
    w.consumed(100);
    expect(w.flush()).toBe(100);
    expect(w.window).toBe(65535);
  });

  test('the consumer cannot consume more than is buffered', () => {
    const w = new RecvWindow(1, 100);
    w.receive(10);
    expect(() => w.consumed(11)).toThrow(RangeError);
    expect(() => w.refund(11)).toThrow(RangeError);
  });

  test('exceeding the window → FLOW_CONTROL_ERROR; stream scope (glitch) / connection scope', () => {
    const glitches: GlitchCounter = { glitches: 0 };
    const s = new RecvWindow(3, 100, { glitchCounter: glitches });
    expect(s.receive(100)).toBeUndefined();
    expect(s.receive(1)).toMatchObject({ code: ErrorCode.FLOW_CONTROL_ERROR, scope: 'stream', streamId: 3 });
    expect(s.window).toBe(0);
    expect(s.buffered).toBe(100);
    expect(glitches.glitches).toBe(1);
    const c = new RecvWindow(0, 65535, { glitchCounter: glitches });
    expect(c.receive(65536)).toMatchObject({ code: ErrorCode.FLOW_CONTROL_ERROR, scope: 'connection' });
  });
});

describe('refunds (SECURITY #16)', () => {
  test('padding is credited back without waiting for the consumer', () => {
    const conn = new RecvWindow(0, 65535);
    // 10 000 frames of 1 data byte + 255 bytes padding (+1 Pad Length byte): 257 bytes each.
    let announced = 0;
    let updates = 0;
    for (let i = 0; i < 10_000; i++) {
      const err = conn.receive(257);
      expect(err).toBeUndefined();
      const inc = conn.refund(256); // padding + Pad Length
      if (inc) updates++;
      announced += inc;
    }
    expect(conn.buffered).toBe(10_000); // only the data bytes wait for the consumer
    expect(conn.window + conn.buffered + conn.owed).toBe(65535);
    expect(announced).toBe(10_000 * 256 - conn.owed);
    expect(updates).toBeLessThan(10_000 * 257 / 32768 + 2); // batched, not one per frame
  });

  test('10^4 streams reset mid-DATA: the connection window is fully refunded, no stall afterwards', () => {
    const conn = new RecvWindow(0, 65535);
    let peerWindow = 65535; // what the peer sees
    for (let s = 0; s < 10_000; s++) {
      const len = 1 + (s % 4000);
      if (len > peerWindow) throw new Error('peer would be stalled');
      peerWindow -= len;
      expect(conn.receive(len)).toBeUndefined();
      // stream s is reset (or unknown): the bytes are never consumed
      peerWindow += conn.refund(len);
    }
    peerWindow += conn.flush();
    expect(conn.buffered).toBe(0);
    expect(peerWindow).toBe(65535);
    // follow-up 1 MB transfer on a live stream
    let left = 1 << 20;
    while (left > 0) {
      const n = Math.min(16384, peerWindow, left);
      expect(n).toBeGreaterThan(0);
      peerWindow -= n;
      expect(conn.receive(n)).toBeUndefined();
      peerWindow += conn.consumed(n);
      left -= n;
    }
  });
});

describe('setLocalWindowSize (Node http2session.setLocalWindowSize: total size, not a delta)', () => {
  test('growing produces the increment now', () => {
    const conn = new RecvWindow(0, 65535);
    expect(conn.setLocalWindowSize(1 << 20)).toBe((1 << 20) - 65535);
    expect(conn.window).toBe(1 << 20);
    expect(conn.target).toBe(1 << 20);
  });

  test('growing while data is buffered credits size − buffered', () => {
    const conn = new RecvWindow(0, 65535);
    conn.receive(1000);
    expect(conn.setLocalWindowSize(100_000)).toBe(100_000 - 1000 - 64535);
    expect(conn.window + conn.buffered).toBe(100_000);
  });

  test('shrinking sends nothing and makes future updates smaller', () => {
    const conn = new RecvWindow(0, 1 << 20);
    conn.receive(1 << 19);
    expect(conn.setLocalWindowSize(65536)).toBe(0);
    // the peer still has 512 KiB of credit: consuming does not re-credit until it falls under 64 KiB
    expect(conn.consumed(1 << 19)).toBe(0);
    expect(conn.owed).toBe(0);
    conn.receive((1 << 19) - 1000); // the peer uses its old credit
    expect(conn.window).toBe(1000);
    expect(conn.consumed((1 << 19) - 1000)).toBe(65536 - 1000);
    expect(conn.window).toBe(65536);
  });

  test('range checks (Node: ERR_OUT_OF_RANGE)', () => {
    const conn = new RecvWindow(0, 65535);
    expect(() => conn.setLocalWindowSize(-1)).toThrow(RangeError);
    expect(() => conn.setLocalWindowSize(MAX_WINDOW_SIZE + 1)).toThrow(RangeError);
    expect(() => conn.setLocalWindowSize(1.5)).toThrow(RangeError);
    expect(conn.setLocalWindowSize(MAX_WINDOW_SIZE)).toBe(MAX_WINDOW_SIZE - 65535);
    expect(conn.window).toBe(MAX_WINDOW_SIZE);
  });
});

describe('our SETTINGS_INITIAL_WINDOW_SIZE changes (§6.9.2)', () => {
  test('a decrease can make the receive window negative; the peer then has no credit', () => {
    const s = new RecvWindow(1, 65535);
    s.receive(60000);
    expect(s.applyInitialWindowDelta(1000 - 65535)).toBeUndefined();
    expect(s.window).toBe(5535 - 64535);
    expect(s.target).toBe(1000);
    expect(s.receive(1)).toMatchObject({ code: ErrorCode.FLOW_CONTROL_ERROR });
    // consuming everything brings the window back to the new target
    expect(s.consumed(60000)).toBe(1000 - (5535 - 64535));
    expect(s.window).toBe(1000);
  });

  test('overflow → connection FLOW_CONTROL_ERROR; the connection window is unaffected', () => {
    const s = new RecvWindow(1, 65535);
    expect(s.applyInitialWindowDelta(MAX_WINDOW_SIZE - 65535 + 1)).toMatchObject({ scope: 'connection', code: ErrorCode.FLOW_CONTROL_ERROR });
    const c = new RecvWindow(0, 65535);
    expect(c.applyInitialWindowDelta(-1000)).toBeUndefined();
    expect(c.window).toBe(65535);
  });
});

describe('auto-tuning (optional, BDP-style)', () => {
  test('draining a full window within 2×RTT doubles the target; slower does not', () => {
    const w = new RecvWindow(0, 65536, { autoTune: true, rtt: 50 });
    let t = 0;
    let peer = 65536;
    // fast consumer: a window every 40 ms
    for (let round = 0; round < 3; round++) {
      const n = peer;
      w.receive(n);
      peer = 0;
      t += 40;
      peer += w.consumed(n, t);
    }
    expect(w.target).toBe(65536 * 8);
    expect(w.window).toBe(65536 * 8);
    // slow consumer: a window every 200 ms → stays
    const before = w.target;
    for (let round = 0; round < 3; round++) {
      const n = w.window;
      w.receive(n);
      for (let k = 0; k < 4; k++) {
        t += 50;
        w.consumed(n / 4, t);
      }
    }
    expect(w.target).toBe(before);
  });

  test('bounded by maxWindow; no RTT estimate, no tuning; off by default', () => {
    const w = new RecvWindow(0, 1 << 20, { autoTune: true, rtt: 100 });
    for (let i = 0; i < 10; i++) {
      const n = w.window;
      w.receive(n);
      w.consumed(n, i);
    }
    expect(w.target).toBe(DEFAULT_AUTOTUNE_MAX_WINDOW);
    const noRtt = new RecvWindow(0, 100, { autoTune: true });
    noRtt.receive(100);
    noRtt.consumed(100, 0);
    expect(noRtt.target).toBe(100);
    const off = new RecvWindow(0, 100, { rtt: 100 });
    off.receive(100);
    off.consumed(100, 0);
    expect(off.target).toBe(100);
  });

  test('a consumer that does not read never grows the window', () => {
    const w = new RecvWindow(0, 65536, { autoTune: true, rtt: 1000 });
    w.receive(65536);
    expect(w.target).toBe(65536);
    expect(w.window).toBe(0);
  });
});
