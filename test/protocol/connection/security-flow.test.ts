/**
 * SECURITY.md rows 10, 11 (the core's part), 16, 17: data dribble
 * (CVE-2019-9511), session memory, flow-control refunds, window and increment
 * abuse.
 */
import type { Frame } from '../../../src/protocol/frames';
import { SettingId } from '../../../src/protocol/settings';
import { ErrorCode, measure, Pair, POST, RawPeer, REQUEST, summary } from './helpers';

function server(limits = {}, peerSettings: Array<[number, number]> = []): RawPeer {
  const peer = new RawPeer('server', { limits });
  peer.handshake(peerSettings);
  return peer;
}

function dataFrames(frames: Frame[]): Array<{ id: number; n: number; end: boolean }> {
  const out = [];
  for (const f of frames) if (f.unknown !== true && f.type === 0) out.push({ id: f.streamId, n: f.data.length, end: f.endStream });
  return out;
}

describe('SECURITY #10: data dribble', () => {
  it('INITIAL_WINDOW_SIZE = 1 on 100 streams with +1 WINDOW_UPDATEs: one DATA frame per credit, work proportional to bytes', () => {
    const peer = server({}, [[SettingId.INITIAL_WINDOW_SIZE, 1]]);
    peer.send(peer.windowUpdate(0, 1 << 30));
    const streams = [];
    for (let id = 1; id < 200; id += 2) {
      peer.send(peer.headers(id, REQUEST, { endStream: true }));
      const s = peer.rec.headers.at(-1)!.stream;
      peer.conn.respond(s, [[':status', '200']]);
      peer.conn.write(s, new Uint8Array(50), true);
      streams.push(s);
    }
    let frames = dataFrames(peer.out());
    expect(frames.length).toBe(100); // one octet each: the window
    const { cpuMs } = measure(() => {
      for (let round = 0; round < 49; round++) {
        const updates: Frame[] = [];
        for (let id = 1; id < 200; id += 2) updates.push(peer.windowUpdate(id, 1));
        peer.send(...updates);
        frames = frames.concat(dataFrames(peer.out()));
      }
    });
    expect(frames.length).toBe(100 * 50);
    expect(frames.every((f) => f.n === 1)).toBe(true);
    expect(frames.filter((f) => f.end).length).toBe(100);
    expect(cpuMs).toBeLessThan(500);
  });

  it('with a normal initial window, +1 credits are pooled until the floor (1024): no tiny frames', () => {
    const peer = server();
    peer.send(peer.windowUpdate(0, 1 << 30));
    peer.send(peer.headers(1, REQUEST, { endStream: true }));
    const s = peer.rec.headers[0]!.stream;
    peer.conn.respond(s, [[':status', '200']]);
    peer.conn.write(s, new Uint8Array(200_000), true);
    peer.out(); // the first 65535 octets
    let frames: Array<{ id: number; n: number; end: boolean }> = [];
    for (let i = 0; i < 5000; i++) {
      peer.send(peer.windowUpdate(1, 1));
      frames = frames.concat(dataFrames(peer.out()));
    }
    // 5000 credits: 4 frames of 1024 octets, no frame under the floor.
    expect(frames.map((f) => f.n)).toEqual([1024, 1024, 1024, 1024]);
    expect(s.queuedBytes).toBe(200_000 - 65535 - 4096);
    // Memory: the queued body is held by reference (one chunk), nothing per update.
    expect(peer.conn.counters.memory).toBeLessThan(200_000 + 10_000);
  });

  it('the exact rest of a stream goes out even below the floor', () => {
    const peer = server();
    peer.send(peer.windowUpdate(0, 1 << 30), peer.headers(1, REQUEST, { endStream: true }));
    const s = peer.rec.headers[0]!.stream;
    peer.conn.respond(s, [[':status', '200']]);
    peer.conn.write(s, new Uint8Array(65535 + 10), true);
    peer.out();
    peer.send(peer.windowUpdate(1, 10));
    expect(peer.outSummary()).toEqual(['DATA:1:10:END']);
  });
});

describe('SECURITY #11 (core part): maxSessionMemory', () => {
  it('new peer streams are refused (ENHANCE_YOUR_CALM) while unread DATA and queued output exceed the cap', () => {
    const peer = server({ maxSessionMemory: 1 }, []);
    peer.conn.setLocalWindowSize(1 << 24);
    peer.conn.settings([[SettingId.INITIAL_WINDOW_SIZE, 1 << 22]]);
    peer.send(peer.settings([], true));
    peer.out();
    peer.send(peer.headers(1, POST));
    // 1.2 MB the application does not read.
    for (let i = 0; i < 75; i++) peer.send(peer.data(1, 16000));
    expect(peer.conn.memoryUsage).toBeGreaterThan(1e6);
    peer.send(peer.headers(3, REQUEST, { endStream: true }));
    expect(peer.out().map(summary)).toContain('RST_STREAM:3:11');
    // Reading it frees the memory: streams are accepted again.
    peer.conn.consumed(peer.rec.headers[0]!.stream, 75 * 16000);
    peer.send(peer.headers(5, REQUEST, { endStream: true }));
    expect(peer.rec.headers.map((h) => h.stream.id)).toEqual([1, 5]);
  });
});

describe('SECURITY #16: flow-control refunds', () => {
  it('10^4 streams reset mid-DATA (padded DATA): the connection window is fully refunded; a 1 MB follow-up does not stall', () => {
    const p = new Pair({ paddingStrategy: 2 /* MAX */ }, {});
    p.c.keepData = false;
    p.s.keepData = false;
    // Server: reset every request on its first DATA, except the keeper.
    let keeper: import('../../../src/protocol/connection').CoreStream | undefined;
    let kept = 0;
    p.s.onData = (stream, data) => {
      if (stream === keeper) {
        kept += data.length;
        p.server.consumed(stream, data.length);
        return;
      }
      if (!stream.closed) p.server.reset(stream, ErrorCode.CANCEL);
    };
    p.s.onHeaders = (e) => {
      if (e.fields.some(([n]) => n === 'x-keeper')) keeper = e.stream;
    };
    const keep = p.client.request([...POST, ['x-keeper', '1']]);
    for (let i = 0; i < 10_000; i++) {
      const s = p.client.request(POST);
      p.client.write(s, new Uint8Array(3000), true);
      if (i % 50 === 0) p.pump();
    }
    p.pump();
    expect(p.c.closed.filter((e) => e.code === ErrorCode.CANCEL).length).toBe(10_000);
    // (DATA after GOAWAY: see the next test.) A graceful GOAWAY does not disturb the keeper.
    p.server.goaway();
    p.pump();
    // Nothing is buffered at the server beyond the keeper's (consumed) data: all refunded.
    expect(p.server.counters.memory).toBeLessThan(50_000);
    // The follow-up: 1 MB on the keeper stream through the same connection window.
    p.client.write(keep, new Uint8Array(1 << 20), true);
    p.pump();
    expect(kept).toBe(1 << 20);
    expect(p.c.errors).toEqual([]);
    expect(p.s.errors).toEqual([]);
  });

  it('DATA on streams ignored after our GOAWAY is refunded', () => {
    const peer = server();
    peer.send(peer.headers(1, REQUEST, { endStream: true }));
    peer.conn.goaway();
    peer.out();
    peer.send(peer.headers(3, POST));
    for (let i = 0; i < 4; i++) peer.send(peer.data(3, 16000, { padding: 100 }));
    // 16101 flow-controlled octets per frame; the batch is announced once half the window (32768) is owed.
    expect(peer.outSummary()).toEqual(['WINDOW_UPDATE:0:48303']);
  });
});

describe('SECURITY #17: window and increment abuse', () => {
  it('stream-level abuse is a stream error counted as a glitch; connection-level a connection error', () => {
    const peer = server();
    peer.send(peer.headers(1, POST), peer.windowUpdate(1, 2 ** 31 - 1));
    expect(peer.outSummary()).toEqual(['RST_STREAM:1:3']);
    peer.send(peer.headers(3, POST));
    peer.bytes(new Uint8Array([0, 0, 4, 8, 0, 0, 0, 0, 3, 0, 0, 0, 0]));
    expect(peer.outSummary()).toEqual(['RST_STREAM:3:1']);
    expect(peer.conn.counters.invalidFrames).toBe(2);
    expect(peer.conn.counters.glitchTokens).toBe(998);
    peer.send(peer.windowUpdate(0, 2 ** 31 - 1));
    expect(peer.outSummary()).toEqual(['GOAWAY:3:3']);
  });
});
