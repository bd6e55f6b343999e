/**
 * SECURITY.md rows 8, 9, 12, 13, 14: Rapid Reset (CVE-2023-44487),
 * MadeYouReset (2025), priority churn (CVE-2019-9513), stream overflow, and
 * the memory of closed streams.
 */
import { encodeFrame, type Frame } from '../../../src/protocol/frames';
import { SettingId } from '../../../src/protocol/settings';
import { ErrorCode, lastGoaway, measure, POST, RawPeer, REQUEST } from './helpers';

function server(limits = {}, settings: Array<[number, number]> = []): RawPeer {
  const peer = new RawPeer('server', { limits, settings });
  peer.handshake();
  return peer;
}

function bytesOf(frames: Frame[]): Uint8Array {
  return new Uint8Array(Buffer.concat(frames.map((f) => Buffer.from(encodeFrame(f)))));
}

describe('SECURITY #8: Rapid Reset', () => {
  it('2×10^4 HEADERS+RST(CANCEL) pairs at once: GOAWAY after the burst of 1000; handler starts bounded', () => {
    const peer = server({}, [[SettingId.MAX_CONCURRENT_STREAMS, 100]]);
    let maxActive = 0;
    peer.rec.onHeaders = () => (maxActive = Math.max(maxActive, peer.conn.counters.activeStreams));
    for (let i = 0, id = 1; i < 20_000 && !peer.conn.failed; i++, id += 2) {
      peer.send(peer.headers(id, REQUEST), peer.rst(id, ErrorCode.CANCEL));
      peer.conn.takeOutput();
    }
    expect(peer.rec.errors[0]).toMatchObject({ code: ErrorCode.ENHANCE_YOUR_CALM, limit: 'streamResetRate' });
    expect(peer.rec.headers.length).toBe(1001);
    expect(maxActive).toBeLessThanOrEqual(100);
    expect(peer.conn.goawaySent?.code).toBe(ErrorCode.ENHANCE_YOUR_CALM);
    expect(Buffer.from(peer.conn.goawaySent!.debugData).toString()).toMatch(/^streamResetRate/);
  });

  it('paced at 100 pairs per virtual second: the 33/s refill delays the GOAWAY to ~1000/(100-33) s', () => {
    const peer = server();
    let i = 0;
    for (let id = 1; i < 20_000 && !peer.conn.failed; i++, id += 2) {
      peer.now = i * 10; // ms
      peer.send(peer.headers(id, REQUEST), peer.rst(id, ErrorCode.CANCEL));
      peer.conn.takeOutput();
    }
    // tokens(i) = 1000 + 0.33 i − i reaches 0 near i = 1493.
    expect(i).toBeGreaterThan(1480);
    expect(i).toBeLessThan(1510);
    expect(peer.rec.errors[0]!.limit).toBe('streamResetRate');
  });

  it('at 30 pairs per second (under the rate) it goes on forever', () => {
    const peer = server();
    for (let i = 0, id = 1; i < 5000; i++, id += 2) {
      peer.now = Math.floor((i * 1000) / 30);
      peer.send(peer.headers(id, REQUEST), peer.rst(id, ErrorCode.CANCEL));
      peer.conn.takeOutput();
    }
    expect(peer.rec.errors).toEqual([]);
  });
});

describe('SECURITY #9: MadeYouReset', () => {
  type Glitch = (p: RawPeer, id: number) => Frame[];
  const glitches: Array<[string, Glitch]> = [
    ['WINDOW_UPDATE overflow', (p, id) => [p.headers(id, POST), p.windowUpdate(id, 2 ** 31 - 1)]],
    ['DATA after END_STREAM', (p, id) => [p.headers(id, REQUEST, { endStream: true }), p.data(id, 1)]],
    ['an invalid header (trailers without END_STREAM)', (p, id) => [p.headers(id, POST), p.headers(id, [['x', '1']])]],
  ];

  it.each(glitches)('%s at a high rate: GOAWAY ENHANCE_YOUR_CALM after the glitch budget; handler work bounded', (_n, make) => {
    const peer = server({ maxSessionInvalidFrames: Infinity });
    for (let i = 0, id = 1; i < 5000 && !peer.conn.failed; i++, id += 2) {
      peer.send(...make(peer, id));
      peer.conn.takeOutput();
    }
    expect(peer.rec.errors[0]).toMatchObject({ code: ErrorCode.ENHANCE_YOUR_CALM, limit: 'glitchRate' });
    expect(peer.rec.headers.length).toBeLessThanOrEqual(1001);
    expect(peer.conn.counters.invalidFrames).toBe(1001);
  });

  it('with Node\'s defaults, maxSessionInvalidFrames (1000) fires first and says so', () => {
    const peer = server();
    for (let i = 0, id = 1; i < 5000 && !peer.conn.failed; i++, id += 2) {
      peer.send(...glitches[1]![1](peer, id));
      peer.conn.takeOutput();
    }
    expect(peer.rec.errors[0]!.limit).toBe('maxSessionInvalidFrames');
    expect(lastGoaway(peer.out())?.debug ?? Buffer.from(peer.conn.goawaySent!.debugData).toString()).toMatch(/^maxSessionInvalidFrames/);
  });
});

describe('SECURITY #12: priority churn', () => {
  it('10^5 PRIORITY frames over 100 streams: O(1) each, no tree; a self-dependency is a stream PROTOCOL_ERROR', () => {
    const peer = server();
    const open: Frame[] = [];
    for (let id = 1; id < 200; id += 2) open.push(peer.headers(id, POST));
    peer.send(...open);
    const frames: Frame[] = [];
    for (let i = 0; i < 100_000; i++) {
      const id = 1 + 2 * (i % 100);
      frames.push({ type: 2, streamId: id, priority: { dependsOn: 1 + 2 * ((i * 7) % 100), exclusive: i % 3 === 0, weight: 1 + (i % 256) } });
    }
    // Self-dependencies are dropped from the churn and sent once, apart.
    const churn = bytesOf(frames.filter((f) => f.unknown === true || f.type !== 2 || f.priority.dependsOn !== f.streamId));
    const { cpuMs, heap } = measure(() => {
      for (let pos = 0; pos < churn.length; pos += 65536) peer.bytes(churn.subarray(pos, pos + 65536));
    });
    expect(peer.outSummary()).toEqual([]);
    expect(cpuMs).toBeLessThan(500);
    expect(heap).toBeLessThan(512 * 1024);
    peer.send({ type: 2, streamId: 3, priority: { dependsOn: 3, exclusive: false, weight: 1 } });
    expect(peer.outSummary()).toEqual(['RST_STREAM:3:1']);
    expect(peer.conn.failed).toBe(false);
  });
});

describe('SECURITY #13: stream overflow', () => {
  it('streams beyond MAX_CONCURRENT_STREAMS are refused, then GOAWAY after 100 refusals', () => {
    const peer = server({}, [[SettingId.MAX_CONCURRENT_STREAMS, 10]]);
    let id = 1;
    for (; id < 21; id += 2) peer.send(peer.headers(id, POST));
    expect(peer.rec.headers.length).toBe(10);
    const refusals: string[] = [];
    for (let i = 0; i < 200 && !peer.conn.failed; i++, id += 2) {
      peer.send(peer.headers(id, POST));
      refusals.push(...peer.outSummary());
    }
    // 100 refusals are tolerated; the 101st is refused too, then the connection goes.
    expect(refusals.filter((s) => s.startsWith('RST_STREAM') && s.endsWith(':7')).length).toBe(101);
    expect(refusals.at(-1)).toBe('GOAWAY:19:11');
    expect(peer.rec.errors[0]!.limit).toBe('maxSessionRejectedStreams');
    expect(peer.rec.headers.length).toBe(10);
  });
});

describe('SECURITY #14: closed-stream memory', () => {
  it('10^5 short streams (half reset by us, half ended): bookkeeping stays at maxClosedStreams', () => {
    const peer = server();
    peer.rec.keepData = false;
    let n = 0;
    peer.rec.onHeaders = (e) => {
      if (n++ % 2 === 0) peer.conn.respond(e.stream, [[':status', '204']], { endStream: true });
      else peer.conn.reset(e.stream, ErrorCode.CANCEL);
    };
    const headers = peer.hpack.encode(REQUEST);
    const run = (from: number, count: number) => {
      for (let i = 0, id = from; i < count; i++, id += 2) {
        peer.send(peer.rawHeaders(id, headers, { endStream: true }));
        if (i % 256 === 0) peer.conn.takeOutput();
      }
      peer.conn.takeOutput();
    };
    run(1, 10_000);
    (peer.rec.headers as unknown[]).length = 0;
    (peer.rec.closed as unknown[]).length = 0;
    (peer.rec.log as unknown[]).length = 0;
    const { heap } = measure(() => {
      run(20_001, 100_000);
      (peer.rec.headers as unknown[]).length = 0;
      (peer.rec.closed as unknown[]).length = 0;
      (peer.rec.log as unknown[]).length = 0;
    });
    expect(peer.conn.counters.closedStreamsRemembered).toBeLessThanOrEqual(1024);
    expect(peer.conn.counters.activeStreams).toBe(0);
    expect(heap).toBeLessThan(1024 * 1024);
    expect(peer.rec.errors).toEqual([]);
  });
});
