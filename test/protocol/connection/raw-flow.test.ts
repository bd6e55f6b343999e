/**
 * RFC 9113 §5.2 / §6.9 flow control at the frame level: receive limits and
 * error scopes, WINDOW_UPDATE rules, padding (§6.1), negative windows after a
 * SETTINGS change (§6.9.2), and how DATA is scheduled out: within both
 * windows, the peer's frame size, the floor (SECURITY #10), round-robin.
 */
import type { Frame } from '../../../src/protocol/frames';
import { SettingId } from '../../../src/protocol/settings';
import { ErrorCode, POST, RawPeer, REQUEST, summary } from './helpers';

function server(settings: Array<[number, number]> = [], peerSettings: Array<[number, number]> = []): RawPeer {
  const peer = new RawPeer('server', { settings });
  peer.handshake(peerSettings);
  return peer;
}

function windowUpdates(frames: Frame[], id: number): number {
  let n = 0;
  for (const f of frames) if (f.unknown !== true && f.type === 8 && f.streamId === id) n += f.increment;
  return n;
}

describe('receiving DATA', () => {
  it('more than the stream window is a stream FLOW_CONTROL_ERROR; the octets are refunded to the connection', () => {
    const peer = server([[SettingId.INITIAL_WINDOW_SIZE, 100]]);
    peer.send(peer.headers(1, POST), peer.data(1, 101));
    expect(peer.outSummary()).toEqual(['RST_STREAM:1:3']);
    expect(peer.rec.data).toEqual([]);
    expect(peer.conn.counters.invalidFrames).toBe(1);
  });

  it('more than the connection window is a connection FLOW_CONTROL_ERROR', () => {
    const peer = server([[SettingId.INITIAL_WINDOW_SIZE, 1 << 20]]);
    peer.send(peer.headers(1, POST));
    for (let i = 0; i < 4; i++) peer.send(peer.data(1, 16384));
    expect(peer.outSummary()).toEqual(['GOAWAY:1:3']);
  });

  it('padding counts against the windows and is refunded at once: nothing leaks (§6.1, SECURITY #16)', () => {
    const peer = server();
    peer.send(peer.headers(1, POST));
    const s = peer.rec.headers[0]!.stream;
    let flowControlled = 0;
    const frames: Frame[] = [];
    for (let i = 0; i < 6; i++) {
      peer.send(peer.data(1, 10000, { padding: 255 }));
      flowControlled += 10000 + 256;
      expect(s.bufferedBytes).toBe(10000);
      peer.conn.consumed(s, 10000);
      frames.push(...peer.out());
    }
    const owed = 65535 - peer.conn.state.localWindowSize;
    expect(windowUpdates(frames, 0) + owed).toBe(flowControlled);
    expect(owed).toBeLessThan(32768);
    expect(windowUpdates(frames, 1) + (65535 - s.localWindowSize)).toBe(flowControlled);
  });
});

describe('WINDOW_UPDATE (§6.9)', () => {
  it('a zero increment is a stream PROTOCOL_ERROR on a stream, a connection one on stream 0', () => {
    let peer = server();
    peer.send(peer.headers(1, POST));
    peer.bytes(new Uint8Array([0, 0, 4, 8, 0, 0, 0, 0, 1, 0, 0, 0, 0]));
    expect(peer.outSummary()).toEqual(['RST_STREAM:1:1']);
    peer = server();
    peer.bytes(new Uint8Array([0, 0, 4, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    expect(peer.outSummary()).toEqual(['GOAWAY:0:1']);
  });

  it('a window above 2^31-1 is a stream FLOW_CONTROL_ERROR on a stream, a connection one on stream 0 (§6.9.1)', () => {
    let peer = server();
    peer.send(peer.headers(1, POST), peer.windowUpdate(1, 2 ** 31 - 1));
    expect(peer.outSummary()).toEqual(['RST_STREAM:1:3']);
    peer = server();
    peer.send(peer.windowUpdate(0, 2 ** 31 - 1));
    expect(peer.outSummary()).toEqual(['GOAWAY:0:3']);
  });
});

describe('sending DATA', () => {
  function respondWith(peer: RawPeer, n: number, id = 1): void {
    peer.send(peer.headers(id, REQUEST, { endStream: true }));
    const s = peer.rec.headers.at(-1)!.stream;
    peer.conn.respond(s, [[':status', '200']]);
    peer.conn.write(s, new Uint8Array(n), true);
  }

  it('frames fit the peer\'s max frame size and both windows, then wait for credit', () => {
    const peer = server();
    respondWith(peer, 100_000);
    expect(peer.outSummary()).toEqual(['HEADERS:1', 'DATA:1:16384', 'DATA:1:16384', 'DATA:1:16384', 'DATA:1:16383']);
    expect(peer.conn.wantsWrite).toBe(false);
    peer.send(peer.windowUpdate(0, 100_000));
    expect(peer.outSummary()).toEqual([]);
    peer.send(peer.windowUpdate(1, 100_000));
    expect(peer.outSummary()).toEqual(['DATA:1:16384', 'DATA:1:16384', 'DATA:1:1697:END']);
  });

  it('the peer\'s larger MAX_FRAME_SIZE is used', () => {
    const peer = server([], [[SettingId.MAX_FRAME_SIZE, 65536], [SettingId.INITIAL_WINDOW_SIZE, 1 << 20]]);
    peer.send(peer.windowUpdate(0, 1 << 20));
    respondWith(peer, 100_000);
    expect(peer.outSummary()).toEqual(['HEADERS:1', 'DATA:1:65536', 'DATA:1:34464:END']);
  });

  it('§6.9.2: a lower INITIAL_WINDOW_SIZE makes the send window negative; sending resumes once it is positive', () => {
    const peer = server();
    peer.send(peer.windowUpdate(0, 1 << 20));
    respondWith(peer, 100_000);
    peer.out();
    const s = peer.rec.headers[0]!.stream;
    expect(s.remoteWindowSize).toBe(0);
    peer.send(peer.settings([[SettingId.INITIAL_WINDOW_SIZE, 16384]]));
    expect(s.remoteWindowSize).toBe(16384 - 65535);
    peer.send(peer.windowUpdate(1, 65535 - 16384));
    expect(peer.outSummary()).toEqual(['SETTINGS:ACK']);
    peer.send(peer.windowUpdate(1, 10_000));
    expect(peer.outSummary()).toEqual(['DATA:1:10000']);
  });

  it('SECURITY #10: a stream window below the floor holds DATA back unless it finishes the stream', () => {
    const peer = server();
    peer.send(peer.windowUpdate(0, 1 << 20));
    respondWith(peer, 65535 + 3000);
    expect(peer.out().map(summary).slice(-1)).toEqual(['DATA:1:16383']);
    // +500: the frame would be 500 octets, below min(1024, ...): held.
    peer.send(peer.windowUpdate(1, 500));
    expect(peer.outSummary()).toEqual([]);
    peer.send(peer.windowUpdate(1, 600));
    expect(peer.outSummary()).toEqual(['DATA:1:1100']);
    // 1900 left: a window of 1900 carries all of it, so it goes even though... it is above the floor anyway; 5 octets finishing the stream also go.
    peer.send(peer.windowUpdate(1, 1895));
    expect(peer.outSummary()).toEqual(['DATA:1:1895']);
    peer.send(peer.windowUpdate(1, 5));
    expect(peer.outSummary()).toEqual(['DATA:1:5:END']);
  });

  it('streams share the connection window round-robin, one frame per turn', () => {
    const peer = server();
    respondWith(peer, 100_000, 1);
    respondWith(peer, 100_000, 3);
    expect(peer.outSummary()).toEqual(['HEADERS:1', 'HEADERS:3', 'DATA:1:16384', 'DATA:3:16384', 'DATA:1:16384', 'DATA:3:16383']);
  });

  it('a write after end, or before respond, is a user error', () => {
    const peer = server();
    peer.send(peer.headers(1, REQUEST, { endStream: true }));
    const s = peer.rec.headers[0]!.stream;
    expect(() => peer.conn.write(s, new Uint8Array(1))).toThrow(/before the headers/);
    peer.conn.respond(s, [[':status', '200']], { endStream: true });
    expect(() => peer.conn.write(s, new Uint8Array(1))).toThrow(/closed|end/);
    expect(() => peer.conn.respond(s, [[':status', '200']])).toThrow(/already sent/);
  });

  it('a reset drops what is queued and is idempotent', () => {
    const peer = server();
    respondWith(peer, 1_000_000);
    const s = peer.rec.headers[0]!.stream;
    expect(s.queuedBytes).toBe(1_000_000);
    peer.conn.reset(s, ErrorCode.CANCEL);
    peer.conn.reset(s, ErrorCode.CANCEL);
    expect(s.queuedBytes).toBe(0);
    expect(peer.outSummary()).toEqual(['HEADERS:1', 'RST_STREAM:1:8']);
    expect(peer.conn.counters.memory).toBeLessThan(20_000);
  });

  it('streamWritable fires once the queue drops below the low-water mark', () => {
    const peer = server();
    respondWith(peer, 100_000);
    peer.out();
    // 34465 octets still queued: above the mark.
    expect(peer.rec.writable.length).toBe(0);
    peer.send(peer.windowUpdate(0, 20_000), peer.windowUpdate(1, 20_000));
    peer.out();
    expect(peer.rec.writable.map((s) => s.id)).toEqual([1]);
    expect(peer.rec.writable[0]!.queuedBytes).toBe(14465);
  });
});
