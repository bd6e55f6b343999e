/**
 * SECURITY.md rows 1–4: floods of frames that each ask for an answer or for
 * work — PING (CVE-2019-9512), SETTINGS (9515), resets (9514), empty frames
 * (9518). Each test asserts how the connection ends (GOAWAY code, the limit
 * named in the error and in the debug data) and the bound (frames written,
 * handler calls, heap, CPU).
 */
import { CLIENT_PREFACE } from '../../../src/protocol/frames';
import { SettingId } from '../../../src/protocol/settings';
import { countTypes, ErrorCode, feed, lastGoaway, measure, POST, RawPeer, repeatFrame, REQUEST } from './helpers';

function server(limits = {}, settings: Array<[number, number]> = []): RawPeer {
  const peer = new RawPeer('server', { limits, settings });
  peer.handshake();
  return peer;
}

describe('SECURITY #1: ping flood', () => {
  it('10^6 PINGs, never read: ENHANCE_YOUR_CALM after 1000 queued ACKs, < 2 MB, < 1 s', () => {
    const peer = server();
    const flood = repeatFrame(peer.ping(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])), 1_000_000);
    const started = Date.now();
    const { heap } = measure(() => feed(peer.conn, flood));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(heap).toBeLessThan(2 * 1024 * 1024);
    expect(peer.rec.pings.length).toBe(1000);
    const err = peer.rec.errors[0]!;
    expect([err.code, err.limit]).toEqual([ErrorCode.ENHANCE_YOUR_CALM, 'maxOutboundControlFrames']);
    const out = peer.out();
    expect(countTypes(out)).toEqual({ PING: 1000, GOAWAY: 1 });
    expect(lastGoaway(out)).toMatchObject({ errorCode: ErrorCode.ENHANCE_YOUR_CALM, debug: expect.stringMatching(/^maxOutboundControlFrames/) });
  });

  it('the same PINGs read as they come are all answered (the cap is on unread output)', () => {
    const peer = server();
    const batch = repeatFrame(peer.ping(), 900);
    for (let i = 0; i < 20; i++) {
      peer.bytes(batch);
      expect(peer.conn.takeOutput()).toBeDefined();
    }
    expect(peer.rec.pings.length).toBe(18_000);
    expect(peer.rec.errors).toEqual([]);
  });
});

describe('SECURITY #2: settings flood', () => {
  it('10^5 empty SETTINGS, never read: the same ACK cap', () => {
    const peer = server();
    feed(peer.conn, repeatFrame(peer.settings([]), 100_000));
    const out = peer.out();
    expect(countTypes(out)).toEqual({ SETTINGS: 1000, GOAWAY: 1 });
    expect(peer.rec.errors[0]!.limit).toBe('maxOutboundControlFrames');
    expect(peer.rec.remote.length).toBe(1000 + 1); // + the handshake's
  });

  it('one SETTINGS frame with 33 entries: GOAWAY ENHANCE_YOUR_CALM (maxSettings 32)', () => {
    const peer = server();
    const entries: Array<[number, number]> = Array.from({ length: 33 }, (_, i) => [0x100 + i, i]);
    peer.send(peer.settings(entries.slice(0, 32)));
    expect(peer.outSummary()).toEqual(['SETTINGS:ACK']);
    peer.send(peer.settings(entries));
    expect(peer.outSummary()).toEqual(['GOAWAY:0:11']);
    expect(peer.rec.errors[0]!.limit).toBe('maxSettings');
    expect(lastGoaway(peer.out()) ?? { debug: String(peer.conn.goawaySent && Buffer.from(peer.conn.goawaySent.debugData)) }).toMatchObject({ debug: expect.stringMatching(/^maxSettings/) });
  });

  it('O(1) work per SETTINGS frame: 10^5 frames read as they come, linear CPU', () => {
    const peer = server();
    const batch = repeatFrame(peer.settings([[SettingId.MAX_CONCURRENT_STREAMS, 100]]), 500);
    const { cpuMs } = measure(() => {
      for (let i = 0; i < 200; i++) {
        peer.bytes(batch);
        peer.conn.takeOutput();
      }
    });
    expect(peer.rec.errors).toEqual([]);
    expect(cpuMs).toBeLessThan(1000);
  });
});

describe('SECURITY #3: reset flood (malformed requests)', () => {
  const malformed: Array<[string, string]> = [...REQUEST, [':status', '200']];

  it('10^4 malformed requests: GOAWAY after maxSessionRejectedStreams (100); no handler call; RSTs bounded', () => {
    const peer = server();
    const frames = [];
    for (let id = 1; id < 20_000; id += 2) frames.push(peer.headers(id, malformed, { endStream: true }));
    feed(peer.conn, new Uint8Array(Buffer.concat(frames.map((f) => Buffer.from(require('../../../src/protocol/frames').encodeFrame(f))))));
    expect(peer.rec.headers).toEqual([]);
    const out = peer.out();
    expect(countTypes(out)).toEqual({ RST_STREAM: 101, GOAWAY: 1 });
    expect(peer.rec.errors[0]).toMatchObject({ code: ErrorCode.ENHANCE_YOUR_CALM, limit: 'maxSessionRejectedStreams' });
  });

  it('malformed requests on streams already open count against maxSessionInvalidFrames (1000)', () => {
    const peer = server({ glitchBurst: Infinity });
    const { encodeFrame } = require('../../../src/protocol/frames');
    const chunks: Buffer[] = [];
    for (let id = 1; id < 4000; id += 2) {
      chunks.push(Buffer.from(encodeFrame(peer.headers(id, POST))), Buffer.from(encodeFrame(peer.headers(id, [[':path', '/']], { endStream: true }))));
    }
    const bytes = new Uint8Array(Buffer.concat(chunks));
    for (let pos = 0; pos < bytes.length && !peer.conn.failed; pos += 4096) {
      peer.bytes(bytes.subarray(pos, pos + 4096));
      peer.conn.takeOutput();
    }
    expect(peer.rec.errors[0]).toMatchObject({ code: ErrorCode.ENHANCE_YOUR_CALM, limit: 'maxSessionInvalidFrames' });
    expect(peer.conn.counters.invalidFrames).toBe(1001);
  });
});

describe('SECURITY #4: empty frames', () => {
  it('10^6 zero-length DATA without END_STREAM: GOAWAY after 100 (maxEmptyDataFrames)', () => {
    const peer = server();
    peer.send(peer.headers(1, POST));
    const started = Date.now();
    feed(peer.conn, repeatFrame(peer.data(1, 0), 1_000_000));
    expect(Date.now() - started).toBeLessThan(500);
    expect(peer.rec.errors[0]).toMatchObject({ code: ErrorCode.ENHANCE_YOUR_CALM, limit: 'maxEmptyDataFrames' });
    expect(peer.rec.data.length).toBe(100);
    expect(lastGoaway(peer.out())).toMatchObject({ errorCode: ErrorCode.ENHANCE_YOUR_CALM, debug: expect.stringMatching(/^maxEmptyDataFrames/) });
  });

  it('CPU is linear: < 100 ms per 10^5 empty DATA frames (limit lifted to measure)', () => {
    // Process CPU time also counts GC helper threads and suffers from the other
    // core being busy (CI runs suites in parallel): the cost of the work is the
    // best of three runs, each on a fresh connection.
    const runs: number[] = [];
    for (let run = 0; run < 3; run++) {
      const peer = server({ maxEmptyDataFrames: Infinity });
      peer.send(peer.headers(1, POST));
      const flood = repeatFrame(peer.data(1, 0), 100_000);
      feed(peer.conn, flood.subarray(0, 9 * 10_000)); // warm-up
      runs.push(measure(() => feed(peer.conn, flood)).cpuMs);
      expect(peer.rec.errors).toEqual([]);
    }
    expect(Math.min(...runs)).toBeLessThan(100);
  });

  it('10^6 empty CONTINUATION frames: GOAWAY after maxContinuationFrames (16)', () => {
    const peer = server();
    const taps: string[] = [];
    peer.rec.frame = (_f, dir) => {
      if (dir === 'in') taps.push('in');
    };
    peer.send(peer.rawHeaders(1, peer.hpack.encode(REQUEST), { endHeaders: false }));
    feed(peer.conn, repeatFrame(peer.continuation(1, new Uint8Array(0), false), 1_000_000));
    expect(peer.rec.errors[0]).toMatchObject({ code: ErrorCode.ENHANCE_YOUR_CALM, limit: 'maxContinuationFrames' });
    expect(taps.length).toBe(1 + 17);
  });

  it('10^5 empty HEADERS (empty blocks are malformed requests): GOAWAY after maxSessionRejectedStreams', () => {
    const peer = server();
    const frames: Buffer[] = [];
    const { encodeFrame } = require('../../../src/protocol/frames');
    for (let id = 1; id < 200_000; id += 2) frames.push(Buffer.from(encodeFrame(peer.rawHeaders(id, new Uint8Array(0)))));
    feed(peer.conn, new Uint8Array(Buffer.concat(frames)));
    expect(peer.rec.errors[0]!.limit).toBe('maxSessionRejectedStreams');
    expect(peer.rec.headers).toEqual([]);
  });

  it('a client preface followed by nothing but PINGs is still bounded before SETTINGS (first-frame rule)', () => {
    const peer = new RawPeer('server');
    peer.out();
    peer.bytes(CLIENT_PREFACE);
    feed(peer.conn, repeatFrame(peer.ping(), 1000));
    expect(peer.outSummary()).toEqual(['GOAWAY:0:1']);
  });
});
