/**
 * RFC 9113 §8.2 HTTP fields (h2spec http2/8.1.2, 8.1.2.2): field names and
 * values, connection-specific fields, `te`. Each violation makes the request
 * malformed: "Malformed requests or responses that are detected MUST be
 * treated as a stream error of type PROTOCOL_ERROR" (§8.1.1).
 */
import { ErrorCode, literal, RawPeer } from './raw-peer';
import { BUSY, describeTargets, finishBusy, SMALL_BODY, startBusy } from './targets';

describeTargets('RFC 9113 §8.2 fields', (server) => {
  const connect = () => RawPeer.connect(server().port);
  /** A GET / whose block ends with the literal field `name: value`, as it is (no lowercasing, no checks). */
  const rejected = async (name: string, value: string): Promise<void> => {
    const peer = await connect();
    peer.send(peer.rawHeaders(1, peer.getBlock(literal(name, value)), { endStream: true }));
    await peer.expectRst(1, ErrorCode.PROTOCOL_ERROR);
    await peer.expectHealthy();
    expect(peer.framesOn(1).map((f) => f.type)).toEqual([3]);
  };
  const accepted = async (fields: Array<[string, string]>): Promise<void> => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/', 'GET', fields), { endStream: true }));
    expect((await peer.expectResponseComplete(1)).body.toString()).toBe(SMALL_BODY);
    await peer.expectHealthyNoReset();
  };

  it('"A field name MUST NOT contain characters in the ranges 0x00-0x20, 0x41-0x5a, or 0x7f-0xff": uppercase (h2spec 8.1.2/1)', () => rejected('X-TEST', 'ok'));
  it.each([
    ['a space', 'x test'],
    ['a control character', 'x\x01test'],
    ['DEL', 'x\x7f'],
    ['an octet above 0x7f', 'x\xe9'],
  ])('"A field name MUST NOT contain characters in the ranges …": %s', (_n, name) => rejected(name, 'ok'));

  it('"With the exception of pseudo-header fields … field names MUST NOT include a colon"', () => rejected('x:test', 'ok'));

  it('an empty field name is malformed', () => rejected('', 'value'));

  it.each([
    ['NUL', 'a\x00b'],
    ['LF', 'a\nb'],
    ['CR', 'a\rb'],
  ])('"A field value MUST NOT contain the zero value (NUL), line feed (LF), or carriage return (CR)": %s', (_n, value) => rejected('x-value', value));

  it.each([
    ['a leading space', ' v'],
    ['a trailing tab', 'v\t'],
  ])('"A field value MUST NOT start or end with an ASCII whitespace character": %s', (_n, value) => rejected('x-value', value));

  it.each(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade'])(
    '"An endpoint MUST NOT generate an HTTP/2 message containing connection-specific header fields … Any message containing connection-specific header fields MUST be treated as malformed": %s (h2spec 8.1.2.2/1)',
    (name) => rejected(name, name === 'transfer-encoding' ? 'chunked' : 'keep-alive'),
  );

  it('"The only exception to this is the TE header field, which MAY be present in an HTTP/2 request; when it is, it MUST NOT contain any value other than trailers" (h2spec 8.1.2.2/2)', () => rejected('te', 'trailers, deflate'));

  it('… "te: trailers" is accepted', () => accepted([['te', 'trailers']]));

  it('… and so is "te: TRAILERS": the same value, ABNF literals being case-insensitive (RFC 5234 §2.3; node:http2 accepts it too)', () => accepted([['te', 'TRAILERS']]));

  it('"… the Cookie header field [may be split] into separate header fields": several cookie fields are accepted (§8.2.3)', () => accepted([['cookie', 'a=1'], ['cookie', 'b=2'], ['cookie', 'c=3']]));

  it('lowercase names with every allowed token character and values with inner spaces and obs-text are accepted', () =>
    accepted([["x-!#$%&'*+-.^_`|~09az", 'inner  spaces\tand tab'], ['x-latin1', 'caf\xe9']]));

  it('the request with a malformed field still keeps the HPACK context: the next request on the connection is served', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/', 'GET', [['Upper', 'x']]), { endStream: true }));
    await peer.expectRst(1, ErrorCode.PROTOCOL_ERROR);
    peer.send(peer.headers(3, peer.request('/', 'GET', [['Upper', 'x']]).filter(([n]) => n !== 'Upper'), { endStream: true }));
    expect((await peer.expectResponseComplete(3)).body.toString()).toBe(SMALL_BODY);
  });

  it('malformed trailers (a connection-specific field) are a stream PROTOCOL_ERROR', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/echo', 'POST')), peer.data(1, 'x'), peer.headers(1, [['connection', 'close']], { endStream: true }));
    await peer.expectRst(1, ErrorCode.PROTOCOL_ERROR);
    await peer.expectHealthy();
  });

  describe('header lists over the server\'s limits (§10.5.1: "A server that receives a larger field block than it is willing to handle can send an HTTP 431 … or reset the stream")', () => {
    it('a 70000-octet field (over 65535, the list size the server accepts): RST_STREAM ENHANCE_YOUR_CALM; the block was decoded, the connection serves the next request', async () => {
      const peer = await connect();
      peer.send(...peer.headerFrames(1, peer.request('/', 'GET', [['x-big', 'v'.repeat(70000)]]), { endStream: true }));
      await peer.expectRst(1, ErrorCode.ENHANCE_YOUR_CALM);
      peer.send(peer.headers(3, peer.request('/'), { endStream: true }));
      expect((await peer.expectResponseComplete(3)).body.toString()).toBe(SMALL_BODY);
    });

    it('200 fields (over 128, the number of fields the server accepts): RST_STREAM ENHANCE_YOUR_CALM; the connection serves the next request', async () => {
      const peer = await connect();
      const many = Array.from({ length: 200 }, (_, i): [string, string] => [`x-h${i}`, 'v']);
      peer.send(peer.headers(1, peer.request('/', 'GET', many), { endStream: true }));
      await peer.expectRst(1, ErrorCode.ENHANCE_YOUR_CALM);
      peer.send(peer.headers(3, peer.request('/', 'GET', many.slice(0, 50)), { endStream: true }));
      expect((await peer.expectResponseComplete(3)).body.toString()).toBe(SMALL_BODY);
    });
  });

  describe('while the server is busy responding', () => {
    it('a malformed request (uppercase name) arriving while responses are in flight: only that stream is reset', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1, 3]);
      peer.send(peer.rawHeaders(5, peer.getBlock(literal('Bad-Name', 'x')), { endStream: true }));
      await peer.expectRst(5, ErrorCode.PROTOCOL_ERROR);
      await finishBusy(peer, [1, 3]);
    });
  });
});
