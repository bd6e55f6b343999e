/**
 * Timed behaviour on virtual time (the core has no timers: time is the `now`
 * of receive()/tick()): preface and first-SETTINGS timeouts (SECURITY #18),
 * the SETTINGS ACK timeout (§6.5.3), the header-phase timeout (SECURITY #7),
 * the Rapid Reset refill, and nextDeadline().
 */
import { CLIENT_PREFACE } from '../../../src/protocol/frames';
import { Connection } from '../../../src/protocol/connection';
import { SettingId } from '../../../src/protocol/settings';
import { ErrorCode, measure, RawPeer, Recorder, REQUEST } from './helpers';

describe('SECURITY #18: preface and SETTINGS timeouts', () => {
  it('connect, then silence: closed at 10 s (prefaceTimeout)', () => {
    const peer = new RawPeer('server');
    peer.out();
    expect(peer.conn.nextDeadline()).toBe(10_000);
    peer.conn.tick(9_999);
    expect(peer.conn.failed).toBe(false);
    peer.conn.tick(10_000);
    expect(peer.rec.errors[0]).toMatchObject({ code: ErrorCode.PROTOCOL_ERROR, limit: 'prefaceTimeout' });
    expect(peer.outSummary()).toEqual(['GOAWAY:0:1']);
  });

  it('a preface without SETTINGS: closed 2 s after the preface (firstSettingsTimeout)', () => {
    const peer = new RawPeer('server');
    peer.out();
    peer.now = 3000;
    peer.bytes(CLIENT_PREFACE);
    expect(peer.conn.nextDeadline()).toBe(5000);
    peer.conn.tick(4999);
    expect(peer.conn.failed).toBe(false);
    peer.conn.tick(5000);
    expect(peer.rec.errors[0]).toMatchObject({ code: ErrorCode.SETTINGS_TIMEOUT, limit: 'firstSettingsTimeout' });
  });

  it('the timeouts also fire from receive() (a trickle counts as time passing, not as progress)', () => {
    const peer = new RawPeer('server');
    peer.out();
    for (let i = 0; i < 20 && !peer.conn.failed; i++) peer.conn.receive(CLIENT_PREFACE.subarray(i, i + 1), i * 1000);
    expect(peer.rec.errors[0]!.limit).toBe('prefaceTimeout');
  });

  it('client: a server that never sends SETTINGS', () => {
    const peer = new RawPeer('client');
    peer.conn.tick(10_000);
    expect(peer.rec.errors[0]).toMatchObject({ code: ErrorCode.SETTINGS_TIMEOUT, limit: 'prefaceTimeout' });
  });

  it('no per-connection growth while waiting: 1000 idle connections, constant memory each', () => {
    const conns: Connection[] = [];
    const { heap } = measure(() => {
      for (let i = 0; i < 1000; i++) conns.push(new Connection({ role: 'server' }, new Recorder()));
    });
    const before = conns[0]!.memoryUsage;
    for (let t = 0; t < 9000; t += 500) for (const c of conns) c.tick(t);
    expect(conns[0]!.memoryUsage).toBe(before);
    // A waiting connection costs a few kilobytes (decoder, HPACK tables, registries, output).
    expect(heap / 1000).toBeLessThan(40_000);
  });
});

describe('§6.5.3 SETTINGS ACK timeout', () => {
  it('SETTINGS not acknowledged within settingsTimeout: GOAWAY SETTINGS_TIMEOUT', () => {
    const peer = new RawPeer('server', { now: 0 });
    peer.bytes(CLIENT_PREFACE);
    peer.send(peer.settings([]));
    peer.out();
    expect(peer.conn.nextDeadline()).toBe(10_000);
    peer.conn.tick(9_999);
    expect(peer.conn.failed).toBe(false);
    peer.conn.tick(10_000);
    expect(peer.rec.errors[0]).toMatchObject({ code: ErrorCode.SETTINGS_TIMEOUT, limit: 'settingsTimeout' });
    expect(peer.outSummary()).toEqual(['GOAWAY:0:4']);
  });

  it('each SETTINGS has its own deadline; an ACK clears the oldest', () => {
    const peer = new RawPeer('server', { limits: { settingsTimeout: 1000 } });
    peer.handshake();
    expect(peer.conn.nextDeadline()).toBeUndefined();
    peer.conn.tick(5000);
    peer.conn.settings([[SettingId.MAX_CONCURRENT_STREAMS, 5]]);
    peer.conn.tick(5500);
    peer.conn.settings([[SettingId.MAX_CONCURRENT_STREAMS, 6]]);
    expect(peer.conn.nextDeadline()).toBe(6000);
    peer.now = 5900;
    peer.send(peer.settings([], true));
    expect(peer.conn.nextDeadline()).toBe(6500);
    peer.conn.tick(6499);
    expect(peer.conn.failed).toBe(false);
    peer.conn.tick(6500);
    expect(peer.rec.errors[0]!.limit).toBe('settingsTimeout');
  });

  it('settings() refuses more than maxOutstandingSettings', () => {
    const peer = new RawPeer('server', { limits: { maxOutstandingSettings: 2 } });
    peer.handshake();
    peer.conn.settings([]);
    peer.conn.settings([]);
    expect(() => peer.conn.settings([])).toThrow(/maxOutstandingSettings/);
  });
});

describe('SECURITY #7: header-phase timeout', () => {
  it('a header block not finished within 10 s: GOAWAY ENHANCE_YOUR_CALM', () => {
    const peer = new RawPeer('server');
    peer.handshake();
    peer.now = 1000;
    peer.send(peer.rawHeaders(1, peer.hpack.encode(REQUEST).subarray(0, 2), { endHeaders: false }));
    expect(peer.conn.nextDeadline()).toBe(11_000);
    peer.conn.tick(10_999);
    expect(peer.conn.failed).toBe(false);
    peer.conn.tick(11_000);
    expect(peer.rec.errors[0]).toMatchObject({ code: ErrorCode.ENHANCE_YOUR_CALM, limit: 'headerPhaseTimeout' });
  });

  it('a block finished in time clears the deadline', () => {
    const peer = new RawPeer('server');
    peer.handshake();
    const block = peer.hpack.encode(REQUEST);
    peer.send(peer.rawHeaders(1, block.subarray(0, 2), { endHeaders: false }));
    peer.now = 9000;
    peer.send(peer.continuation(1, block.subarray(2), true));
    expect(peer.conn.nextDeadline()).toBeUndefined();
    peer.conn.tick(100_000);
    expect(peer.conn.failed).toBe(false);
  });
});

describe('Rapid Reset bucket refill (SECURITY #8)', () => {
  it('burst 10, rate 2/s: the 11th reset at t=0 fails; one more token every 500 ms', () => {
    const run = (times: number[]) => {
      const peer = new RawPeer('server', { limits: { streamResetBurst: 10, streamResetRate: 2 } });
      peer.handshake();
      let id = 1;
      for (const t of times) {
        peer.now = t;
        peer.send(peer.headers(id, REQUEST), peer.rst(id, ErrorCode.CANCEL));
        peer.conn.takeOutput();
        id += 2;
      }
      return peer.conn.failed;
    };
    expect(run(Array(10).fill(0))).toBe(false);
    expect(run(Array(11).fill(0))).toBe(true);
    expect(run([...Array(10).fill(0), 500])).toBe(false);
    expect(run([...Array(10).fill(0), 500, 500])).toBe(true);
    expect(run([...Array(10).fill(0), 500, 1000, 1500, 2000])).toBe(false);
    // After a long pause the bucket is full again, but only up to the burst.
    expect(run([...Array(10).fill(0), ...Array(10).fill(100_000)])).toBe(false);
    expect(run([...Array(10).fill(0), ...Array(11).fill(100_000)])).toBe(true);
  });
});

describe('nextDeadline()', () => {
  it('is undefined once nothing is timed, and after failure', () => {
    const peer = new RawPeer('server');
    expect(peer.conn.nextDeadline()).toBe(10_000);
    peer.handshake();
    expect(peer.conn.nextDeadline()).toBeUndefined();
    peer.send(peer.data(1, 1));
    expect(peer.conn.failed).toBe(true);
    expect(peer.conn.nextDeadline()).toBeUndefined();
  });

  it('reports the earliest of several deadlines', () => {
    const peer = new RawPeer('server', { limits: { settingsTimeout: 5000, headerPhaseTimeout: 3000 } });
    peer.bytes(CLIENT_PREFACE);
    peer.send(peer.settings([]));
    expect(peer.conn.nextDeadline()).toBe(5000);
    peer.now = 1000;
    peer.send(peer.rawHeaders(1, new Uint8Array([0x82]), { endHeaders: false }));
    expect(peer.conn.nextDeadline()).toBe(4000);
  });
});
