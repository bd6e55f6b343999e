/**
 * RFC 9113 §3.4: connection prefaces. Exact frames in, exact frames out.
 */
import { CLIENT_PREFACE } from '../../../src/protocol/frames';
import { ErrorCode, lastGoaway, RawPeer, summary } from './helpers';

describe('§3.4 server side: the client preface and its SETTINGS', () => {
  it('accepts the preface split at every octet, then SETTINGS', () => {
    const peer = new RawPeer('server');
    expect(peer.outSummary()).toEqual(['SETTINGS:[]']);
    for (let i = 0; i < CLIENT_PREFACE.length; i++) peer.bytes(CLIENT_PREFACE.subarray(i, i + 1));
    peer.send(peer.settings([[3, 10]]));
    expect(peer.outSummary()).toEqual(['SETTINGS:ACK']);
    expect(peer.rec.errors).toEqual([]);
  });

  it('a wrong preface is a connection PROTOCOL_ERROR', () => {
    const peer = new RawPeer('server');
    peer.out();
    peer.bytes(new Uint8Array(Buffer.from('PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n', 'latin1')));
    const out = peer.out();
    expect(out.map(summary)).toEqual(['GOAWAY:0:1']);
    expect(peer.rec.errors[0]!.code).toBe(ErrorCode.PROTOCOL_ERROR);
    expect(peer.conn.failed).toBe(true);
  });

  it('an HTTP/1.1 request line is recognized and refused', () => {
    const peer = new RawPeer('server');
    peer.out();
    peer.bytes(new Uint8Array(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1')));
    expect(lastGoaway(peer.out())).toMatchObject({ errorCode: ErrorCode.PROTOCOL_ERROR });
    expect(peer.rec.errors[0]!.message).toMatch(/HTTP\/1/);
  });

  it.each([
    ['PING', (p: RawPeer) => p.ping()],
    ['SETTINGS ACK', (p: RawPeer) => p.settings([], true)],
    ['HEADERS', (p: RawPeer) => p.headers(1, [[':method', 'GET']])],
    ['WINDOW_UPDATE', (p: RawPeer) => p.windowUpdate(0, 10)],
    ['an extension frame', () => ({ type: 0xfa, flags: 0, streamId: 0, payload: new Uint8Array(3), unknown: true as const })],
  ])('a first frame other than SETTINGS (%s) is a connection PROTOCOL_ERROR', (_name, make) => {
    const peer = new RawPeer('server');
    peer.out();
    peer.bytes(CLIENT_PREFACE);
    peer.send(make(peer));
    expect(peer.out().map(summary)).toEqual(['GOAWAY:0:1']);
    expect(peer.rec.errors[0]!.message).toMatch(/§3\.4/);
  });

  it('a stream-level frame error before SETTINGS is still a first-frame violation', () => {
    const peer = new RawPeer('server');
    peer.out();
    peer.bytes(CLIENT_PREFACE);
    // PRIORITY with 4 octets: a stream FRAME_SIZE_ERROR by itself (§6.3), but not SETTINGS.
    peer.bytes(new Uint8Array([0, 0, 4, 2, 0, 0, 0, 0, 1, 0, 0, 0, 0]));
    expect(peer.out().map(summary)).toEqual(['GOAWAY:0:1']);
  });
});

describe('§3.4 client side: the server preface', () => {
  it('writes the preface and SETTINGS, and accepts the server SETTINGS', () => {
    const peer = new RawPeer('client');
    expect(peer.outSummary()).toEqual(['SETTINGS:[]']);
    peer.send(peer.settings([[3, 100]]));
    expect(peer.outSummary()).toEqual(['SETTINGS:ACK']);
    expect(peer.conn.remoteSettings.maxConcurrentStreams).toBe(100);
  });

  it('a server whose first frame is not SETTINGS is a connection PROTOCOL_ERROR', () => {
    const peer = new RawPeer('client');
    peer.out();
    peer.send(peer.ping());
    expect(peer.out().map(summary)).toEqual(['GOAWAY:0:1']);
  });
});
