/**
 * PING (RFC 9113 §6.7), GOAWAY (§6.8), RST_STREAM (§6.4), extension frames
 * (§5.5), ALTSVC / ORIGIN (RFC 7838, RFC 8336), and what a failed connection
 * does afterwards.
 */
import { SettingId } from '../../../src/protocol/settings';
import { ErrorCode, RawPeer, REQUEST } from './helpers';

function server(): RawPeer {
  const peer = new RawPeer('server');
  peer.handshake();
  return peer;
}

function client(): RawPeer {
  const peer = new RawPeer('client');
  peer.handshake();
  return peer;
}

describe('§6.7 PING', () => {
  it('answers with an ACK carrying the same payload', () => {
    const peer = server();
    peer.send(peer.ping(new Uint8Array([9, 8, 7, 6, 5, 4, 3, 2])));
    const out = peer.out();
    expect(out).toHaveLength(1);
    const ack = out[0]!;
    expect(ack.unknown !== true && ack.type === 6 && ack.ack && Array.from(ack.payload)).toEqual([9, 8, 7, 6, 5, 4, 3, 2]);
    expect(peer.rec.pings).toHaveLength(1);
  });

  it('ignores an ACK it did not ask for; a PING on a stream or of the wrong length is a connection error', () => {
    let peer = server();
    peer.send(peer.ping(new Uint8Array(8), true));
    expect(peer.outSummary()).toEqual([]);
    expect(peer.rec.pingAcks).toEqual([]);
    peer.bytes(new Uint8Array([0, 0, 8, 6, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]));
    expect(peer.outSummary()).toEqual(['GOAWAY:0:1']);
    peer = server();
    peer.bytes(new Uint8Array([0, 0, 4, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    expect(peer.outSummary()).toEqual(['GOAWAY:0:6']);
  });
});

describe('§6.8 GOAWAY received', () => {
  it('streams above lastStreamId are refused and retryable; those below go on; no new streams', () => {
    const peer = client();
    const a = peer.conn.request(REQUEST, { endStream: true });
    const b = peer.conn.request(REQUEST, { endStream: true });
    peer.out();
    peer.send(peer.goaway(1, ErrorCode.NO_ERROR));
    expect(b.closed && b.retryable).toBe(true);
    expect(a.closed).toBe(false);
    expect(peer.rec.goaways).toEqual([{ lastStreamId: 1, code: 0, debug: '', initiator: 'remote' }]);
    expect(() => peer.conn.request(REQUEST)).toThrow(/GOAWAY/);
    expect(peer.conn.goawayReceived?.lastStreamId).toBe(1);
    peer.send(peer.headers(1, [[':status', '200']], { endStream: true }));
    expect(a.closedBy).toBe('endStream');
    expect(peer.conn.closed).toBe(true);
  });

  it('a second GOAWAY may lower lastStreamId, never raise it', () => {
    const peer = client();
    for (let i = 0; i < 3; i++) peer.conn.request(REQUEST, { endStream: true });
    peer.out();
    peer.send(peer.goaway(5), peer.goaway(3), peer.goaway(5));
    expect(peer.conn.goawayReceived?.lastStreamId).toBe(3);
    expect(peer.rec.closed.map((e) => e.stream.id)).toEqual([5]);
  });

  it('an error code and debug data are reported', () => {
    const peer = client();
    peer.send({ type: 7, streamId: 0, lastStreamId: 0, errorCode: ErrorCode.ENHANCE_YOUR_CALM, debugData: new Uint8Array(Buffer.from('calm down')) });
    expect(peer.rec.goaways).toEqual([{ lastStreamId: 0, code: ErrorCode.ENHANCE_YOUR_CALM, debug: 'calm down', initiator: 'remote' }]);
  });
});

describe('§6.8 GOAWAY sent', () => {
  it('newer peer streams are ignored (their blocks still decoded) and their DATA refunded', () => {
    const peer = server();
    peer.send(peer.headers(1, REQUEST, { endStream: true }));
    peer.conn.goaway();
    expect(peer.outSummary()).toEqual(['GOAWAY:1:0']);
    peer.send(peer.headers(3, [...REQUEST, ['x-new', '1']]), peer.data(3, 16384), peer.data(3, 16384), peer.headers(5, [...REQUEST, ['x-new', '1']], { endStream: true }));
    expect(peer.rec.headers.map((h) => h.stream.id)).toEqual([1]);
    expect(peer.outSummary()).toEqual(['WINDOW_UPDATE:0:32768']);
    expect(peer.conn.failed).toBe(false);
    expect(peer.conn.closed).toBe(false);
    peer.conn.respond(peer.rec.headers[0]!.stream, [[':status', '200']], { endStream: true });
    expect(peer.conn.closed).toBe(true);
  });

  it('a client closing: its requests still waiting for a slot are refused (retryable), the one in flight goes on, and no new request is taken', () => {
    const peer = new RawPeer('client');
    peer.handshake([[SettingId.MAX_CONCURRENT_STREAMS, 1]]);
    const sent = peer.conn.request(REQUEST, { endStream: true });
    const waiting = peer.conn.request(REQUEST, { endStream: true });
    peer.out();
    peer.conn.goaway();
    expect(peer.rec.closed.map((c) => [c.stream.id, c.code, c.initiator, c.stream.retryable])).toEqual([[0, ErrorCode.REFUSED_STREAM, 'local', true]]);
    expect(waiting.closed).toBe(true);
    // As node:http2 refuses a request on a session being closed: never sent, so safe to retry elsewhere.
    expect(() => peer.conn.request(REQUEST, { endStream: true })).toThrow(expect.objectContaining({ kind: 'user', code: ErrorCode.REFUSED_STREAM, retryable: true }));
    // The request in flight completes, and only then is the connection closed; nothing else was sent.
    expect(peer.outSummary()).toEqual(['GOAWAY:0:0']);
    peer.send(peer.headers(1, [[':status', '200']], { endStream: true }));
    expect(sent.closed).toBe(true);
    expect(peer.outSummary()).toEqual([]);
    expect(peer.conn.closed).toBe(true);
  });

  it('a connection error sends GOAWAY with the last processed stream, closes every stream, and ends input', () => {
    const peer = server();
    peer.send(peer.headers(1, REQUEST), peer.headers(3, REQUEST));
    peer.send(peer.data(0 + 7, 1)); // DATA on an idle stream
    expect(peer.outSummary()).toEqual(['GOAWAY:3:1']);
    expect(peer.rec.closed.map((e) => [e.stream.id, e.code, e.initiator])).toEqual([
      [1, ErrorCode.PROTOCOL_ERROR, 'local'],
      [3, ErrorCode.PROTOCOL_ERROR, 'local'],
    ]);
    expect(peer.rec.log.slice(-3)).toEqual(['closed:3:1:local', 'goaway:local:3:1', 'error:PROTOCOL_ERROR']);
    peer.send(peer.ping());
    expect(peer.outSummary()).toEqual([]);
    expect(() => peer.conn.ping()).toThrow(/closed/);
    expect(peer.conn.nextDeadline()).toBeUndefined();
  });
});

describe('§6.4 RST_STREAM', () => {
  it('REFUSED_STREAM on our request marks it retryable (§8.7)', () => {
    const peer = client();
    const a = peer.conn.request(REQUEST, { endStream: true });
    peer.out();
    peer.send(peer.rst(1, ErrorCode.REFUSED_STREAM));
    expect(a.retryable).toBe(true);
    expect(a.rstCode).toBe(ErrorCode.REFUSED_STREAM);
    expect(peer.rec.closed[0]).toMatchObject({ code: ErrorCode.REFUSED_STREAM, initiator: 'remote' });
  });

  it('a RST_STREAM of the wrong length is a connection FRAME_SIZE_ERROR', () => {
    const peer = server();
    peer.send(peer.headers(1, REQUEST));
    peer.bytes(new Uint8Array([0, 0, 3, 3, 0, 0, 0, 0, 1, 0, 0, 8]));
    expect(peer.outSummary()).toEqual(['GOAWAY:1:6']);
  });
});

describe('§5.5 extensions, ALTSVC, ORIGIN', () => {
  it('unknown frame types are ignored (and shown to a tap)', () => {
    const peer = server();
    peer.send({ type: 0xbb, flags: 0xff, streamId: 99, payload: new Uint8Array(10), unknown: true });
    expect(peer.outSummary()).toEqual([]);
    expect(peer.rec.unknown).toHaveLength(1);
  });

  it('a client receives ALTSVC and ORIGIN; a server ignores them', () => {
    const c = client();
    c.send({ type: 0xa, streamId: 0, origin: 'https://a.example', fieldValue: 'h2=":443"' }, { type: 0xc, streamId: 0, origins: ['https://a.example', 'https://b.example'] });
    expect(c.rec.altsvcs).toEqual([[0, 'https://a.example', 'h2=":443"']]);
    expect(c.rec.origins).toEqual([['https://a.example', 'https://b.example']]);
    const s = server();
    s.send({ type: 0xa, streamId: 0, origin: 'https://a.example', fieldValue: 'h2=":443"' }, { type: 0xc, streamId: 0, origins: ['x'] });
    expect(s.rec.altsvcs).toEqual([]);
    expect(s.rec.origins).toEqual([]);
    expect(s.outSummary()).toEqual([]);
  });

  it('a server sends ALTSVC and ORIGIN', () => {
    const s = server();
    s.conn.altsvc(0, 'https://a.example', 'h2=":8443"');
    s.conn.origin(['https://a.example']);
    expect(s.outSummary()).toEqual(['ALTSVC:0', 'ORIGIN:0']);
    expect(() => s.conn.altsvc(1, 'https://a.example', 'x')).toThrow(/RFC 7838/);
    const c = client();
    expect(() => c.conn.origin(['x'])).toThrow(/servers/);
  });
});
