/**
 * SECURITY.md rows 5–7 through the core: zero-length header fields
 * (CVE-2019-9516), the HPACK bomb (CVE-2016-6581) and the CONTINUATION flood
 * (2024), including its slow variant.
 */
import { HpackWriter } from '../../../src/protocol/hpack';
import { countTypes, ErrorCode, feed, gc, lastGoaway, measure, RawPeer, repeatFrame, REQUEST } from './helpers';

function server(limits = {}): RawPeer {
  const peer = new RawPeer('server', { limits });
  peer.handshake();
  return peer;
}

/** Splits a block into HEADERS + CONTINUATION frames of ≤ 16384 octets. */
function split(peer: RawPeer, id: number, block: Uint8Array, endStream = true) {
  const frames = [];
  for (let pos = 0; pos < block.length || pos === 0; pos += 16384) {
    const part = block.subarray(pos, pos + 16384);
    const last = pos + 16384 >= block.length;
    frames.push(pos === 0 ? peer.rawHeaders(id, part, { endStream, endHeaders: last }) : peer.continuation(id, part, last));
    if (last) break;
  }
  return frames;
}

describe('SECURITY #5: zero-length header fields', () => {
  // 10^4 fields '' / '' as literals without indexing: 00 00 00.
  const block = new Uint8Array(30_000);

  it('the block is refused on its stream (pairs limit first); the connection goes on', () => {
    const peer = server();
    peer.send(...split(peer, 1, block));
    expect(peer.outSummary()).toEqual(['RST_STREAM:1:11']);
    expect(peer.rec.headers).toEqual([]);
    peer.send(peer.headers(3, REQUEST, { endStream: true }));
    expect(peer.rec.headers.map((h) => h.stream.id)).toEqual([3]);
  });

  it('every field is charged 32 octets: with the pairs limit lifted, maxHeaderListSize refuses it', () => {
    const peer = server({ maxHeaderListPairs: Infinity });
    peer.send(...split(peer, 1, block));
    expect(peer.outSummary()).toEqual(['RST_STREAM:1:11']);
  });

  it('an empty name alone is malformed (PROTOCOL_ERROR)', () => {
    const peer = server();
    peer.send(peer.rawHeaders(1, new Uint8Array([...peer.hpack.encode(REQUEST), 0, 0, 0]), { endStream: true }));
    expect(peer.outSummary()).toEqual(['RST_STREAM:1:1']);
  });

  it('nothing is retained after the rejections', () => {
    const peer = server({ maxSessionRejectedStreams: Infinity, maxSessionInvalidFrames: Infinity, glitchBurst: Infinity });
    // Warm up first: V8's compiled and optimized code lives on the heap too,
    // and when it appears depends on timing, not on what the core retains.
    for (let id = 1; id < 101; id += 2) {
      peer.send(...split(peer, id, block));
      peer.conn.takeOutput();
    }
    peer.out();
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let id = 101; id < 201; id += 2) {
      peer.send(...split(peer, id, block));
      peer.conn.takeOutput();
    }
    gc();
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(256 * 1024);
    expect(peer.conn.failed).toBe(false);
  });
});

describe('SECURITY #6: HPACK bomb', () => {
  it('a 4 KiB entry referenced 16 K times is refused at the list limit, allocating little', () => {
    // Stream 1 inserts a 4000-octet value into the peer's (and our) table;
    // then 16 K one-octet references to it (index 62, the newest dynamic entry): 64 MB decoded.
    const bomb = () => {
      const peer = server();
      peer.send(peer.headers(1, [...REQUEST, ['x-bomb', 'a'.repeat(4000)]], { endStream: true }));
      expect(peer.rec.headers).toHaveLength(1);
      const refs = new Uint8Array(16_000).fill(0x80 | 62);
      return { peer, frames: split(peer, 3, refs) };
    };
    // Warm up until V8 has compiled and optimized these paths: code and
    // feedback live on the heap too, and when a tier-up lands depends on
    // timing (a busy CI machine), not on what the core retains. Once warm was
    // not enough (254 KB measured once under CI load); the bound is also the
    // best of three measures, each on a fresh connection.
    for (let i = 0; i < 20; i++) {
      const warm = bomb();
      warm.peer.send(...warm.frames);
    }
    const heaps: number[] = [];
    for (let run = 0; run < 3; run++) {
      const { peer, frames } = bomb();
      heaps.push(measure(() => peer.send(...frames)).heap);
      expect(peer.outSummary()).toEqual(['RST_STREAM:3:11']);
      expect(peer.conn.failed).toBe(false);
    }
    expect(Math.min(...heaps)).toBeLessThan(2 * 65536 + 64 * 1024);
  });

  it('fields beyond maxHeaderListPairs are refused too', () => {
    const peer = server();
    const w = new HpackWriter();
    for (let i = 0; i < 200; i++) w.integer(0x80, 7, 2); // :method GET, 200 times
    peer.send(peer.rawHeaders(1, w.take(), { endStream: true }));
    expect(peer.outSummary()).toEqual(['RST_STREAM:1:11']);
  });
});

describe('SECURITY #7: CONTINUATION flood', () => {
  function start(peer: RawPeer): void {
    peer.send(peer.rawHeaders(1, peer.hpack.encode(REQUEST), { endHeaders: false }));
  }

  it('10^5 empty CONTINUATION frames: connection error after ≤ max(8, …) frames, naming the limit', () => {
    const peer = server();
    let seen = 0;
    peer.rec.frame = (f, dir) => {
      if (dir === 'in' && f.unknown !== true && f.type === 9) seen++;
    };
    start(peer);
    feed(peer.conn, repeatFrame(peer.continuation(1, new Uint8Array(0), false), 100_000));
    expect(seen).toBe(17);
    expect(peer.rec.errors[0]).toMatchObject({ code: ErrorCode.ENHANCE_YOUR_CALM, limit: 'maxContinuationFrames' });
    expect(lastGoaway(peer.out())).toMatchObject({ errorCode: ErrorCode.ENHANCE_YOUR_CALM, debug: expect.stringMatching(/^maxContinuationFrames/) });
  });

  it('16 KiB CONTINUATION frames: stopped at the block budget (2 × maxHeaderListSize), before 10 frames', () => {
    const peer = server();
    let seen = 0;
    peer.rec.frame = (f, dir) => {
      if (dir === 'in' && f.unknown !== true && f.type === 9) seen++;
    };
    start(peer);
    // The 16 MB of input is the test's, built outside the measure: its backing store
    // is released by V8 after GC on a background thread, which made the figure racy.
    const flood = repeatFrame(peer.continuation(1, new Uint8Array(16384).fill(0x41), false), 1000);
    const { heap } = measure(() => feed(peer.conn, flood));
    expect(seen).toBeLessThanOrEqual(8);
    expect(peer.rec.errors[0]).toMatchObject({ code: ErrorCode.ENHANCE_YOUR_CALM, limit: 'maxHeaderBlockSize' });
    expect(heap).toBeLessThan(2 * 131070 + 512 * 1024);
    expect(countTypes(peer.out())).toEqual({ GOAWAY: 1 });
  });

  it('one octet per second: the header-phase timeout (10 s, virtual) ends it', () => {
    const peer = server();
    start(peer);
    const cont = require('../../../src/protocol/frames').encodeFrame(peer.continuation(1, new Uint8Array(100).fill(0x41), false)) as Uint8Array;
    let t = 0;
    for (let i = 0; i < cont.length && !peer.conn.failed; i++) {
      t += 1000;
      peer.conn.receive(cont.subarray(i, i + 1), t);
    }
    expect(t).toBe(10_000);
    expect(peer.rec.errors[0]).toMatchObject({ code: ErrorCode.ENHANCE_YOUR_CALM, limit: 'headerPhaseTimeout' });
  });

  it('a large but legitimate header list split into CONTINUATIONs is accepted', () => {
    const peer = server();
    const fields: Array<[string, string]> = [...REQUEST];
    for (let i = 0; i < 50; i++) fields.push([`x-h${i}`, 'v'.repeat(1000)]);
    peer.send(...split(peer, 1, peer.hpack.encode(fields)));
    expect(peer.rec.headers[0]!.fields).toEqual(fields);
    expect(peer.outSummary()).toEqual([]);
  });
});
