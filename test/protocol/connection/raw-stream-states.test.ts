/**
 * RFC 9113 §5.1 stream states and §5.1.1 stream identifiers, §5.1.2
 * concurrency, §5.4 error scopes: exact frames into a core, exact frames out.
 */
import { SettingId } from '../../../src/protocol/settings';
import { StreamState } from '../../../src/protocol/streams';
import { ErrorCode, POST, RawPeer, REQUEST } from './helpers';

function server(settings: Array<[number, number]> = []): RawPeer {
  const peer = new RawPeer('server', { settings });
  peer.handshake();
  return peer;
}

describe('§5.1.1 stream identifiers', () => {
  it('a client stream with an even id is a connection PROTOCOL_ERROR', () => {
    const peer = server();
    peer.send(peer.headers(2, REQUEST, { endStream: true }));
    expect(peer.outSummary()).toEqual(['GOAWAY:0:1']);
  });

  it('a stream id lower than one already used is a connection PROTOCOL_ERROR', () => {
    const peer = server();
    peer.send(peer.headers(5, REQUEST, { endStream: true }), peer.headers(3, REQUEST, { endStream: true }));
    expect(peer.outSummary()).toEqual(['GOAWAY:5:1']);
  });

  it('reusing the id of a stream that ended is a connection error STREAM_CLOSED', () => {
    const peer = server();
    peer.rec.onHeaders = (e) => peer.conn.respond(e.stream, [[':status', '204']], { endStream: true });
    peer.send(peer.headers(1, REQUEST, { endStream: true }));
    expect(peer.outSummary()).toEqual(['HEADERS:1:END']);
    peer.send(peer.headers(1, REQUEST, { endStream: true }));
    expect(peer.outSummary()).toEqual(['GOAWAY:1:5']);
  });

  it('frames on an id the peer skipped (implicitly closed) are a connection PROTOCOL_ERROR', () => {
    const peer = server();
    peer.send(peer.headers(1, REQUEST, { endStream: true }), peer.headers(5, REQUEST, { endStream: true }));
    peer.send(peer.data(3, 0, { endStream: true }));
    expect(peer.outSummary()).toEqual(['GOAWAY:5:1']);
  });

  it('client: HEADERS on a server-initiated idle stream is a connection PROTOCOL_ERROR (§5.1, §8.4)', () => {
    const peer = new RawPeer('client');
    peer.handshake();
    peer.send(peer.headers(2, [[':status', '200']]));
    expect(peer.outSummary()).toEqual(['GOAWAY:0:1']);
  });

  it('client: a response on a stream it never opened is a connection PROTOCOL_ERROR', () => {
    const peer = new RawPeer('client');
    peer.handshake();
    peer.send(peer.headers(1, [[':status', '200']]));
    expect(peer.outSummary()).toEqual(['GOAWAY:0:1']);
  });
});

describe('§5.1 idle', () => {
  it.each([
    ['DATA', (p: RawPeer) => p.data(1, 3)],
    ['RST_STREAM', (p: RawPeer) => p.rst(1, ErrorCode.CANCEL)],
    ['WINDOW_UPDATE', (p: RawPeer) => p.windowUpdate(1, 100)],
  ])('%s on an idle stream is a connection PROTOCOL_ERROR', (_n, make) => {
    const peer = server();
    peer.send(make(peer));
    expect(peer.outSummary()).toEqual(['GOAWAY:0:1']);
    expect(peer.rec.errors[0]!.message).toMatch(/idle/);
  });

  it('PRIORITY on an idle stream is accepted and creates nothing (§5.3.2)', () => {
    const peer = server();
    peer.send({ type: 2, streamId: 7, priority: { dependsOn: 3, exclusive: false, weight: 16 } });
    expect(peer.outSummary()).toEqual([]);
    expect(peer.conn.counters.activeStreams).toBe(0);
    peer.send(peer.headers(7, REQUEST, { endStream: true }));
    expect(peer.rec.headers).toHaveLength(1);
  });

  it('a CONTINUATION out of nowhere is a connection PROTOCOL_ERROR (§6.10)', () => {
    const peer = server();
    peer.send(peer.continuation(1, new Uint8Array([0x82]), true));
    expect(peer.outSummary()).toEqual(['GOAWAY:0:1']);
  });
});

describe('§5.1 half-closed (remote)', () => {
  it('DATA after END_STREAM is a stream error STREAM_CLOSED; the stream is reset', () => {
    const peer = server();
    peer.send(peer.headers(1, REQUEST, { endStream: true }));
    const s = peer.rec.headers[0]!.stream;
    expect(s.state).toBe(StreamState.HALF_CLOSED_REMOTE);
    peer.send(peer.data(1, 10));
    expect(peer.outSummary()).toEqual(['RST_STREAM:1:5']);
    expect(s.state).toBe(StreamState.CLOSED_LOCAL_RESET);
    expect(peer.rec.closed.map((e) => [e.stream.id, e.code, e.initiator])).toEqual([[1, ErrorCode.STREAM_CLOSED, 'local']]);
    expect(s.error?.code).toBe(ErrorCode.STREAM_CLOSED);
    // The 10 octets are owed back on the connection window (SECURITY #16), announced with the next batch.
    expect(peer.conn.state.localWindowSize).toBe(65525);
    expect(peer.conn.counters.memory).toBeLessThan(5000);
  });

  it('HEADERS after END_STREAM is a stream error STREAM_CLOSED', () => {
    const peer = server();
    peer.send(peer.headers(1, REQUEST, { endStream: true }));
    peer.send(peer.headers(1, [['x', 'y']], { endStream: true }));
    expect(peer.outSummary()).toEqual(['RST_STREAM:1:5']);
  });

  it('WINDOW_UPDATE and PRIORITY are fine, and the response still goes out', () => {
    const peer = server();
    peer.send(peer.headers(1, REQUEST, { endStream: true }));
    const s = peer.rec.headers[0]!.stream;
    peer.send(peer.windowUpdate(1, 100), { type: 2, streamId: 1, priority: { dependsOn: 0, exclusive: false, weight: 1 } });
    peer.conn.respond(s, [[':status', '200']]);
    peer.conn.write(s, new Uint8Array(10), true);
    expect(peer.outSummary()).toEqual(['HEADERS:1', 'DATA:1:10:END']);
    expect(s.state).toBe(StreamState.CLOSED_END_STREAM);
  });
});

describe('§5.1 closed', () => {
  it('after our RST_STREAM, late frames are ignored and DATA is refunded to the connection window', () => {
    const peer = server();
    peer.send(peer.headers(1, POST));
    const s = peer.rec.headers[0]!.stream;
    peer.conn.reset(s, ErrorCode.CANCEL);
    expect(peer.outSummary()).toEqual(['RST_STREAM:1:8']);
    expect(s.closedBy).toBe('localReset');
    peer.send(peer.data(1, 16384), peer.data(1, 16384), peer.data(1, 16384), peer.headers(1, [['x-late', '1']], { endStream: true }), peer.windowUpdate(1, 5), peer.rst(1, ErrorCode.CANCEL));
    // Nothing but the connection-window refund, batched at half the window (32768 of the 49152 octets).
    expect(peer.outSummary()).toEqual(['WINDOW_UPDATE:0:32768']);
    expect(peer.rec.errors).toEqual([]);
  });

  it('after the peer\'s RST_STREAM, further frames are stream errors STREAM_CLOSED', () => {
    const peer = server();
    peer.send(peer.headers(1, POST));
    const s = peer.rec.headers[0]!.stream;
    peer.send(peer.rst(1, ErrorCode.CANCEL));
    expect(s.closedBy).toBe('remoteReset');
    expect(s.rstCode).toBe(ErrorCode.CANCEL);
    expect(peer.rec.closed.map((e) => [e.code, e.initiator])).toEqual([[ErrorCode.CANCEL, 'remote']]);
    peer.send(peer.data(1, 5));
    expect(peer.outSummary()).toEqual(['RST_STREAM:1:5']);
    peer.send(peer.rst(1, ErrorCode.CANCEL)); // §5.4.2: no RST_STREAM in answer to RST_STREAM
    expect(peer.outSummary()).toEqual([]);
  });

  it('after END_STREAM both ways: DATA is a stream error, WINDOW_UPDATE / RST_STREAM are ignored, HEADERS a connection error', () => {
    const peer = server();
    peer.rec.onHeaders = (e) => peer.conn.respond(e.stream, [[':status', '204']], { endStream: true });
    peer.send(peer.headers(1, REQUEST, { endStream: true }));
    expect(peer.outSummary()).toEqual(['HEADERS:1:END']);
    peer.send(peer.windowUpdate(1, 10), peer.rst(1, 0));
    expect(peer.outSummary()).toEqual([]);
    peer.send(peer.data(1, 1));
    expect(peer.outSummary()).toEqual(['RST_STREAM:1:5']);
    peer.send(peer.headers(1, [['x', '1']], { endStream: true }));
    expect(peer.outSummary()).toEqual(['GOAWAY:1:5']);
  });

  it('frames on a closed stream we no longer remember are answered leniently (stream error at worst)', () => {
    const peer = new RawPeer('server', { limits: { maxClosedStreams: 1 } });
    peer.handshake();
    peer.rec.onHeaders = (e) => peer.conn.respond(e.stream, [[':status', '204']], { endStream: true });
    peer.send(peer.headers(1, REQUEST, { endStream: true }), peer.headers(3, REQUEST, { endStream: true }));
    peer.out();
    peer.send(peer.headers(1, [['x', '1']], { endStream: true }));
    expect(peer.outSummary()).toEqual(['RST_STREAM:1:5']);
    expect(peer.conn.failed).toBe(false);
  });
});

describe('§5.1.2 MAX_CONCURRENT_STREAMS', () => {
  it('refuses streams above our limit with REFUSED_STREAM, keeping HPACK in sync', () => {
    const peer = server([[SettingId.MAX_CONCURRENT_STREAMS, 1]]);
    peer.send(peer.headers(1, REQUEST, { endStream: true }));
    // Stream 3 inserts a new field into the HPACK table...
    peer.send(peer.headers(3, [...REQUEST, ['x-new-field', 'v3']], { endStream: true }));
    expect(peer.outSummary()).toEqual(['RST_STREAM:3:7']);
    const s1 = peer.rec.headers[0]!.stream;
    peer.conn.respond(s1, [[':status', '204']], { endStream: true });
    // ...which stream 5 references by index: it must decode.
    peer.send(peer.headers(5, [...REQUEST, ['x-new-field', 'v3']], { endStream: true }));
    expect(peer.rec.headers.map((h) => h.stream.id)).toEqual([1, 5]);
    expect(peer.rec.headers[1]!.fields).toContainEqual(['x-new-field', 'v3']);
    expect(peer.conn.counters.rejectedStreams).toBe(1);
  });

  it('our own requests wait for room under the peer\'s limit and start when a stream closes', () => {
    const peer = new RawPeer('client');
    peer.handshake([[SettingId.MAX_CONCURRENT_STREAMS, 1]]);
    const a = peer.conn.request(REQUEST, { endStream: true });
    const b = peer.conn.request(REQUEST, { endStream: true });
    expect([a.id, b.id]).toEqual([1, 0]);
    expect(peer.outSummary()).toEqual(['HEADERS:1:END']);
    peer.send(peer.headers(1, [[':status', '200']], { endStream: true }));
    expect(b.id).toBe(3);
    expect(peer.rec.started).toEqual([b]);
    expect(peer.outSummary()).toEqual(['HEADERS:3:END']);
  });

  it('a waiting request can be reset before it starts: no frame is sent for it', () => {
    const peer = new RawPeer('client');
    peer.handshake([[SettingId.MAX_CONCURRENT_STREAMS, 1]]);
    const a = peer.conn.request(REQUEST, { endStream: true });
    const b = peer.conn.request(REQUEST);
    peer.conn.write(b, new Uint8Array(5));
    peer.conn.reset(b, ErrorCode.CANCEL);
    expect(b.closed).toBe(true);
    peer.out();
    peer.send(peer.headers(1, [[':status', '200']], { endStream: true }));
    expect(a.closed).toBe(true);
    expect(peer.outSummary()).toEqual([]);
  });
});
