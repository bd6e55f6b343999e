/**
 * Header blocks: §4.3 / §6.10 CONTINUATION assembly and interleaving, §5.3.1
 * self-dependency, HPACK errors; §8 message checks on requests, responses and
 * trailers, content-length (§8.1.1), extended CONNECT (RFC 8441).
 */
import { HpackEncoder } from '../../../src/protocol/hpack';
import { SettingId } from '../../../src/protocol/settings';
import { StreamState } from '../../../src/protocol/streams';
import { ErrorCode, POST, RawPeer, REQUEST } from './helpers';

function server(settings: Array<[number, number]> = [], limits = {}): RawPeer {
  const peer = new RawPeer('server', { settings, limits });
  peer.handshake();
  return peer;
}

function client(settings: Array<[number, number]> = []): RawPeer {
  const peer = new RawPeer('client', { settings });
  peer.handshake();
  return peer;
}

describe('§4.3 / §6.10 CONTINUATION', () => {
  it('assembles HEADERS + CONTINUATION split anywhere', () => {
    for (const cuts of [[1], [0, 3], [2, 4, 9], [0, 0, 0]]) {
      const peer = server();
      const block = peer.hpack.encode([...REQUEST, ['x-long', 'v'.repeat(50)]]);
      const frames = [];
      let prev = 0;
      for (const c of cuts) {
        frames.push(prev === 0 && frames.length === 0 ? peer.rawHeaders(1, block.subarray(0, c), { endStream: true, endHeaders: false }) : peer.continuation(1, block.subarray(prev, c), false));
        prev = c;
      }
      frames.push(peer.continuation(1, block.subarray(prev), true));
      peer.send(...frames);
      expect(peer.rec.headers[0]!.fields).toEqual([...REQUEST, ['x-long', 'v'.repeat(50)]]);
      expect(peer.rec.headers[0]!.endStream).toBe(true);
      expect(peer.outSummary()).toEqual([]);
    }
  });

  it.each([
    ['PING', (p: RawPeer) => p.ping()],
    ['DATA on another stream', (p: RawPeer) => p.data(3, 1)],
    ['HEADERS on another stream', (p: RawPeer) => p.headers(3, REQUEST)],
    ['CONTINUATION on another stream', (p: RawPeer) => p.continuation(3, new Uint8Array(0), true)],
    ['PRIORITY', () => ({ type: 2 as const, streamId: 1, priority: { dependsOn: 0, exclusive: false, weight: 1 } })],
    ['an extension frame', () => ({ type: 0xfa, flags: 0, streamId: 0, payload: new Uint8Array(0), unknown: true as const })],
  ])('%s inside a header block is a connection PROTOCOL_ERROR', (_n, make) => {
    const peer = server();
    const block = peer.hpack.encode(REQUEST);
    peer.send(peer.rawHeaders(1, block.subarray(0, 2), { endHeaders: false }), make(peer));
    expect(peer.outSummary()).toEqual(['GOAWAY:0:1']);
  });

  it('an invalid HPACK block is a connection COMPRESSION_ERROR', () => {
    const peer = server();
    peer.send(peer.rawHeaders(1, new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), { endStream: true }));
    expect(peer.outSummary()).toEqual(['GOAWAY:0:9']);
  });

  it('a HEADERS frame depending on its own stream is reset (PROTOCOL_ERROR), its block still decoded', () => {
    const peer = server();
    peer.send(peer.headers(1, [...REQUEST, ['x-a', 'b']], { endStream: true, priority: { dependsOn: 1, exclusive: false, weight: 16 } }));
    expect(peer.outSummary()).toEqual(['RST_STREAM:1:1']);
    expect(peer.rec.headers).toEqual([]);
    peer.send(peer.headers(3, [...REQUEST, ['x-a', 'b']], { endStream: true }));
    expect(peer.rec.headers[0]!.fields).toContainEqual(['x-a', 'b']);
    expect(peer.outSummary()).toEqual([]);
  });

  it('a PRIORITY frame depending on its own stream is a stream PROTOCOL_ERROR', () => {
    const peer = server();
    peer.send(peer.headers(1, POST));
    peer.send({ type: 2, streamId: 1, priority: { dependsOn: 1, exclusive: false, weight: 1 } });
    expect(peer.outSummary()).toEqual(['RST_STREAM:1:1']);
    expect(peer.rec.closed[0]!.code).toBe(ErrorCode.PROTOCOL_ERROR);
  });

  it('reports never-indexed fields (Node\'s sensitiveHeaders)', () => {
    const peer = server();
    const enc = new HpackEncoder();
    peer.send(peer.rawHeaders(1, enc.encode([...REQUEST, ['x-secret', 's3']], new Set(['x-secret'])), { endStream: true }));
    expect(peer.rec.headers[0]!.neverIndexed).toEqual(['x-secret']);
  });
});

describe('§8.1.1 malformed requests are stream PROTOCOL_ERRORs', () => {
  const base = REQUEST;
  it.each<[string, Array<[string, string]>]>([
    ['missing :method', base.filter(([n]) => n !== ':method')],
    ['missing :path', base.filter(([n]) => n !== ':path')],
    ['empty :path', base.map(([n, v]) => [n, n === ':path' ? '' : v])],
    ['missing :scheme', base.filter(([n]) => n !== ':scheme')],
    ['a :status', [...base, [':status', '200']]],
    ['an unknown pseudo-header', [[':foo', 'x'], ...base]],
    ['a duplicate :path', [...base, [':path', '/b']]],
    ['a pseudo-header after a regular field', [[':method', 'GET'], ['x', 'y'], [':scheme', 'https'], [':path', '/']]],
    ['an uppercase field name', [...base, ['X-Upper', '1']]],
    ['a connection-specific field', [...base, ['connection', 'keep-alive']]],
    ['transfer-encoding', [...base, ['transfer-encoding', 'chunked']]],
    ['te other than trailers', [...base, ['te', 'gzip']]],
    ['a value with CR LF', [...base, ['x', 'a\r\nb: c']]],
    ['an empty field name', [...base, ['', 'x']]],
    ['two different content-lengths', [...base, ['content-length', '1'], ['content-length', '2']]],
    [':protocol without SETTINGS_ENABLE_CONNECT_PROTOCOL', [[':method', 'CONNECT'], [':protocol', 'websocket'], [':scheme', 'https'], [':path', '/'], [':authority', 'a']]],
    ['CONNECT without :authority', [[':method', 'CONNECT']]],
    ['CONNECT with :path', [[':method', 'CONNECT'], [':authority', 'a:443'], [':path', '/']]],
  ])('%s', (_n, fields) => {
    const peer = server();
    peer.send(peer.headers(1, fields, { endStream: true }));
    expect(peer.outSummary()).toEqual(['RST_STREAM:1:1']);
    expect(peer.rec.headers).toEqual([]);
    expect(peer.conn.counters.invalidFrames).toBe(1);
    expect(peer.conn.counters.rejectedStreams).toBe(1);
    // The connection goes on.
    peer.send(peer.headers(3, REQUEST, { endStream: true }));
    expect(peer.rec.headers.map((h) => h.stream.id)).toEqual([3]);
  });

  it('extended CONNECT is accepted once we sent SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 (RFC 8441 §4)', () => {
    const peer = server([[SettingId.ENABLE_CONNECT_PROTOCOL, 1]]);
    peer.send(peer.headers(1, [[':method', 'CONNECT'], [':protocol', 'websocket'], [':scheme', 'https'], [':path', '/chat'], [':authority', 'a']]));
    expect(peer.outSummary()).toEqual([]);
    expect(peer.rec.headers[0]!.fields[1]).toEqual([':protocol', 'websocket']);
  });

  it('a header list over maxHeaderListSize is refused with ENHANCE_YOUR_CALM, the table kept in sync', () => {
    const peer = server([], { maxHeaderListSize: 200 });
    peer.send(peer.headers(1, [...REQUEST, ['x-big', 'b'.repeat(300)]], { endStream: true }));
    expect(peer.outSummary()).toEqual(['RST_STREAM:1:11']);
    peer.send(peer.headers(3, REQUEST, { endStream: true }));
    expect(peer.rec.headers.map((h) => h.stream.id)).toEqual([3]);
  });
});

describe('§8.1.1 content-length', () => {
  it('fewer DATA octets than content-length at END_STREAM: stream PROTOCOL_ERROR', () => {
    const peer = server();
    peer.send(peer.headers(1, [...POST, ['content-length', '10']]), peer.data(1, 4), peer.data(1, 5, { endStream: true }));
    expect(peer.outSummary()).toEqual(['RST_STREAM:1:1']);
    expect(peer.rec.data.map((d) => d.data.length)).toEqual([4]);
    expect(peer.rec.closed[0]!.stream.error?.message).toMatch(/content-length 10/);
  });

  it('more DATA octets than content-length: stream PROTOCOL_ERROR as soon as exceeded', () => {
    const peer = server();
    peer.send(peer.headers(1, [...POST, ['content-length', '3']]), peer.data(1, 4));
    expect(peer.outSummary()).toEqual(['RST_STREAM:1:1']);
    expect(peer.rec.data).toEqual([]);
  });

  it('content-length on a request that ends with its HEADERS', () => {
    const peer = server();
    peer.send(peer.headers(1, [...POST, ['content-length', '3']], { endStream: true }));
    expect(peer.outSummary()).toEqual(['RST_STREAM:1:1']);
  });

  it('matching content-length, ended by trailers', () => {
    const peer = server();
    peer.send(peer.headers(1, [...POST, ['content-length', '5']]), peer.data(1, 5), peer.headers(1, [['x-sum', '1']], { endStream: true }));
    expect(peer.outSummary()).toEqual([]);
    expect(peer.rec.headers.map((h) => h.kind)).toEqual(['request', 'trailers']);
    expect(peer.rec.headers[1]!.stream.state).toBe(StreamState.HALF_CLOSED_REMOTE);
  });
});

describe('§8.1 trailers', () => {
  it('trailers without END_STREAM are a stream PROTOCOL_ERROR', () => {
    const peer = server();
    peer.send(peer.headers(1, POST), peer.data(1, 5), peer.headers(1, [['x-sum', '1']]));
    expect(peer.outSummary()).toEqual(['RST_STREAM:1:1']);
    expect(peer.rec.headers.map((h) => h.kind)).toEqual(['request']);
  });

  it('pseudo-headers in trailers are a stream PROTOCOL_ERROR', () => {
    const peer = server();
    peer.send(peer.headers(1, POST), peer.headers(1, [[':path', '/x']], { endStream: true }));
    expect(peer.outSummary()).toEqual(['RST_STREAM:1:1']);
  });
});

describe('§8.1 responses (client)', () => {
  it('several 1xx, then the final response, then trailers', () => {
    const peer = client();
    const s = peer.conn.request(REQUEST, { endStream: true });
    peer.out();
    peer.send(
      peer.headers(1, [[':status', '100']]),
      peer.headers(1, [[':status', '103'], ['link', '</a>']]),
      peer.headers(1, [[':status', '200']]),
      peer.data(1, 3),
      peer.headers(1, [['x-t', '1']], { endStream: true }),
    );
    expect(peer.rec.headers.map((h) => h.kind)).toEqual(['informational', 'informational', 'response', 'trailers']);
    expect(s.closed).toBe(true);
    expect(peer.outSummary()).toEqual([]);
  });

  it.each<[string, (p: RawPeer) => ReturnType<RawPeer['headers']>[]]>([
    ['101 Switching Protocols', (p) => [p.headers(1, [[':status', '101']])]],
    ['a 1xx with END_STREAM', (p) => [p.headers(1, [[':status', '100']], { endStream: true })]],
    ['a response without :status', (p) => [p.headers(1, [['x', '1']], { endStream: true })]],
    ['a request pseudo-header in a response', (p) => [p.headers(1, [[':status', '200'], [':path', '/']], { endStream: true })]],
    ['DATA before the response', (p) => [p.data(1, 3)]],
    ['DATA after only a 1xx', (p) => [p.headers(1, [[':status', '100']]), p.data(1, 3)]],
    ['a second final response without END_STREAM', (p) => [p.headers(1, [[':status', '200']]), p.headers(1, [[':status', '200']])]],
    ['content-length mismatch', (p) => [p.headers(1, [[':status', '200'], ['content-length', '2']]), p.data(1, 3, { endStream: true })]],
  ])('%s is a stream PROTOCOL_ERROR', (_n, make) => {
    const peer = client();
    peer.conn.request(REQUEST, { endStream: true });
    peer.out();
    peer.send(...make(peer));
    expect(peer.outSummary()).toEqual(['RST_STREAM:1:1']);
  });

  it.each([
    ['a HEAD response', [':method', 'HEAD'], '200'],
    ['a 204', [':method', 'GET'], '204'],
    ['a 304', [':method', 'GET'], '304'],
  ])('%s may announce a content-length without content', (_n, method, status) => {
    const peer = client();
    const s = peer.conn.request([method as [string, string], ...REQUEST.slice(1)], { endStream: true });
    peer.out();
    peer.send(peer.headers(1, [[':status', status], ['content-length', '1234']], { endStream: true }));
    expect(peer.outSummary()).toEqual([]);
    expect(s.closedBy).toBe('endStream');
    expect(s.endAfterHeaders).toBe(true);
  });

  it('a HEAD response carrying content is malformed', () => {
    const peer = client();
    peer.conn.request([[':method', 'HEAD'], ...REQUEST.slice(1)], { endStream: true });
    peer.out();
    peer.send(peer.headers(1, [[':status', '200'], ['content-length', '3']]), peer.data(1, 3, { endStream: true }));
    expect(peer.outSummary()).toEqual(['RST_STREAM:1:1']);
  });

  it('a 2xx to CONNECT is a tunnel: "A client MUST ignore any Content-Length … received in a successful response to CONNECT" (RFC 9110 §9.3.6)', () => {
    for (const length of ['5', '0']) {
      const peer = client();
      const s = peer.conn.request([[':method', 'CONNECT'], [':authority', 'upstream:443']]);
      peer.out();
      peer.send(peer.headers(1, [[':status', '200'], ['content-length', length]]), peer.data(1, 10), peer.data(1, 10, { endStream: true }));
      expect(peer.outSummary()).toEqual([]);
      expect(peer.rec.data.reduce((n, d) => n + d.data.length, 0)).toBe(20);
      expect(s.closed).toBe(false);
    }
    // Not a success: the length counts again.
    const peer = client();
    peer.conn.request([[':method', 'CONNECT'], [':authority', 'upstream:443']]);
    peer.out();
    peer.send(peer.headers(1, [[':status', '407'], ['content-length', '3']]), peer.data(1, 5, { endStream: true }));
    expect(peer.outSummary()).toEqual(['RST_STREAM:1:1']);
  });
});
