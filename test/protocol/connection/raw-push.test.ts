/**
 * Server push (RFC 9113 §6.6, §8.4): the client's rules for PUSH_PROMISE,
 * bounded reserved streams (SECURITY #19), and push end to end.
 */
import type { Frame } from '../../../src/protocol/frames';
import { SettingId } from '../../../src/protocol/settings';
import { StreamState } from '../../../src/protocol/streams';
import { ErrorCode, Pair, RawPeer, REQUEST } from './helpers';

function client(settings: Array<[number, number]> = [], limits = {}): RawPeer {
  const peer = new RawPeer('client', { settings, limits });
  peer.handshake();
  return peer;
}

function promise(peer: RawPeer, streamId: number, promisedStreamId: number, fields: Array<[string, string]> = REQUEST): Frame {
  return { type: 5, streamId, promisedStreamId, headerBlock: peer.hpack.encode(fields), endHeaders: true };
}

describe('§6.6 / §8.4 PUSH_PROMISE received by a client', () => {
  it('reserves the promised stream, then its response arrives on it', () => {
    const peer = client();
    const s = peer.conn.request(REQUEST, { endStream: true });
    peer.out();
    peer.send(promise(peer, 1, 2, [...REQUEST.slice(0, 3), [':path', '/style.css']]));
    const { parent, promised, fields } = peer.rec.pushes[0]!;
    expect(parent).toBe(s);
    expect(promised.id).toBe(2);
    expect(promised.pushed).toBe(true);
    expect(promised.state).toBe(StreamState.RESERVED_REMOTE);
    expect(fields[3]).toEqual([':path', '/style.css']);
    peer.send(peer.headers(2, [[':status', '200']]), peer.data(2, 7, { endStream: true }));
    expect(peer.rec.headers.map((h) => [h.stream.id, h.kind])).toEqual([[2, 'response']]);
    expect(promised.closed).toBe(true);
    expect(peer.outSummary()).toEqual([]);
  });

  it('with SETTINGS_ENABLE_PUSH = 0 acknowledged, a PUSH_PROMISE is a connection PROTOCOL_ERROR', () => {
    const peer = client([[SettingId.ENABLE_PUSH, 0]]);
    peer.conn.request(REQUEST, { endStream: true });
    peer.out();
    peer.send(promise(peer, 1, 2));
    expect(peer.outSummary()).toEqual(['GOAWAY:0:1']);
  });

  it('a promised id that is odd, or not increasing, is a connection PROTOCOL_ERROR', () => {
    let peer = client();
    peer.conn.request(REQUEST, { endStream: true });
    peer.out();
    peer.send(promise(peer, 1, 3));
    expect(peer.outSummary()).toEqual(['GOAWAY:0:1']);
    peer = client();
    peer.conn.request(REQUEST, { endStream: true });
    peer.out();
    peer.send(promise(peer, 1, 4), promise(peer, 1, 2));
    expect(peer.outSummary()).toEqual(['GOAWAY:4:1']);
  });

  it('a PUSH_PROMISE on a stream the client did not open, or one the server ended, is a connection PROTOCOL_ERROR', () => {
    let peer = client();
    peer.send(promise(peer, 1, 2));
    expect(peer.outSummary()).toEqual(['GOAWAY:0:1']);
    peer = client();
    peer.conn.request(REQUEST, { endStream: true });
    peer.conn.request(REQUEST, { endStream: true });
    peer.out();
    peer.send(peer.headers(1, [[':status', '200']], { endStream: true }), promise(peer, 1, 2));
    expect(peer.outSummary()).toEqual(['GOAWAY:0:1']);
  });

  it('a promise for an unsafe or malformed request is refused on the promised stream (PROTOCOL_ERROR)', () => {
    const peer = client();
    peer.conn.request(REQUEST, { endStream: true });
    peer.out();
    peer.send(promise(peer, 1, 2, [[':method', 'POST'], ...REQUEST.slice(1)]), promise(peer, 1, 4, [[':method', 'GET']]));
    expect(peer.outSummary()).toEqual(['RST_STREAM:2:1', 'RST_STREAM:4:1']);
    expect(peer.rec.pushes).toEqual([]);
    // The promised ids are spent: the server's next push uses a higher one, and the parent is untouched.
    peer.send(promise(peer, 1, 6));
    expect(peer.rec.pushes.map((p) => p.promised.id)).toEqual([6]);
  });

  it('SECURITY #19: reserved streams are bounded by maxReservedRemoteStreams; the excess is cancelled', () => {
    const peer = client([], { maxReservedRemoteStreams: 2 });
    peer.conn.request(REQUEST, { endStream: true });
    peer.out();
    peer.send(promise(peer, 1, 2), promise(peer, 1, 4), promise(peer, 1, 6));
    expect(peer.outSummary()).toEqual(['RST_STREAM:6:8']);
    expect(peer.conn.counters.reservedRemoteStreams).toBe(2);
    // Answering one frees a slot.
    peer.send(peer.headers(2, [[':status', '200']], { endStream: true }), promise(peer, 1, 8));
    expect(peer.rec.pushes.map((p) => p.promised.id)).toEqual([2, 4, 8]);
  });

  it('a PUSH_PROMISE on a stream we reset still reserves the promised stream, which we cancel', () => {
    const peer = client();
    const s = peer.conn.request(REQUEST, { endStream: true });
    peer.conn.reset(s, ErrorCode.CANCEL);
    peer.out();
    peer.send(promise(peer, 1, 2));
    expect(peer.outSummary()).toEqual(['RST_STREAM:2:8']);
    peer.send(peer.headers(2, [[':status', '200']], { endStream: true }));
    expect(peer.outSummary()).toEqual([]);
    expect(peer.conn.failed).toBe(false);
  });

  it('a server receiving PUSH_PROMISE: connection PROTOCOL_ERROR', () => {
    const peer = new RawPeer('server');
    peer.handshake();
    peer.send(peer.headers(1, REQUEST), promise(peer, 1, 3));
    expect(peer.outSummary()).toEqual(['GOAWAY:1:1']);
  });
});

describe('server push end to end', () => {
  it('push, respond on the promised stream, body, client receives all', () => {
    const p = new Pair();
    p.s.onHeaders = (e) => {
      if (e.kind !== 'request') return;
      const pushed = p.server.push(e.stream, [[':method', 'GET'], [':scheme', 'https'], [':authority', 'example.com'], [':path', '/app.js']]);
      expect(pushed.id).toBe(2);
      p.server.respond(e.stream, [[':status', '200']]);
      p.server.respond(pushed, [[':status', '200'], ['content-type', 'text/javascript']]);
      p.server.write(pushed, Buffer.from('pushed!'), true);
      p.server.write(e.stream, Buffer.from('main'), true);
    };
    p.client.request(REQUEST, { endStream: true });
    p.pump();
    expect(p.c.pushes.map((x) => [x.parent.id, x.promised.id, x.fields[3]])).toEqual([[1, 2, [':path', '/app.js']]]);
    const bodies = new Map<number, string>();
    for (const d of p.c.data) bodies.set(d.stream.id, (bodies.get(d.stream.id) ?? '') + Buffer.from(d.data).toString());
    expect(Object.fromEntries(bodies)).toEqual({ 1: 'main', 2: 'pushed!' });
    expect(p.c.closed.map((e) => [e.stream.id, e.code])).toEqual([[2, 0], [1, 0]]);
    expect(p.c.errors).toEqual([]);
    expect(p.s.errors).toEqual([]);
  });

  it('push() throws when the client disabled push, or from a client', () => {
    const p = new Pair({ settings: [[SettingId.ENABLE_PUSH, 0]] });
    p.s.onHeaders = (e) => {
      expect(() => p.server.push(e.stream, REQUEST)).toThrow(/disabled push/);
    };
    const s = p.client.request(REQUEST, { endStream: true });
    p.pump();
    expect(p.s.headers).toHaveLength(1);
    expect(() => p.client.push(s, REQUEST)).toThrow(/client cannot push/);
  });
});
