/**
 * RFC 9113 §4.3 field section compression and decompression (h2spec
 * http2/4.3): one shared HPACK context per direction, field blocks are
 * contiguous, and every block is decoded — even one the server will refuse.
 */
import { ErrorCode, type Frame, indexedLiteral, literal, RawPeer } from './raw-peer';
import { BUSY, describeTargets, finishBusy, SMALL_BODY, startBusy } from './targets';


describeTargets('RFC 9113 §4.3 field blocks', (server) => {
  const connect = () => RawPeer.connect(server().port);

  it('"A decoding error in a field block MUST be treated as a connection error of type COMPRESSION_ERROR" (h2spec 4.3/1)', async () => {
    const peer = await connect();
    // A literal whose value length runs past the end of the block.
    peer.send(peer.rawHeaders(1, [0x82, 0x86, 0x84, 0x00, 0x03, 0x61, 0x62, 0x63, 0x7f], { endStream: true }));
    await peer.expectGoaway(ErrorCode.COMPRESSION_ERROR, 0);
  });

  it('the GOAWAY for a decoding error names the last stream the server processed', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/'), { endStream: true }));
    await peer.expectResponseComplete(1);
    peer.send(peer.rawHeaders(3, [0x80], { endStream: true }));
    await peer.expectGoaway(ErrorCode.COMPRESSION_ERROR, 1);
  });

  it('"A receiver MUST terminate the connection with a connection error of type COMPRESSION_ERROR if it does not decompress a field block": also on a stream it has already closed', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/echo', 'POST')), peer.rst(1, ErrorCode.CANCEL));
    await peer.expectHealthy();
    peer.send(peer.rawHeaders(1, [0x80], { endStream: true }));
    await peer.expectGoaway(ErrorCode.COMPRESSION_ERROR, 1);
  });

  it('a field block split over HEADERS and CONTINUATION frames is one block', async () => {
    const peer = await connect();
    const block = peer.hpack.encode(peer.request('/', 'GET', [['x-long', 'v'.repeat(300)]]));
    peer.send(
      peer.rawHeaders(1, block.subarray(0, 1), { endHeaders: false, endStream: true }),
      peer.continuation(1, block.subarray(1, 5), false),
      peer.continuation(1, block.subarray(5), true),
    );
    expect((await peer.expectResponseComplete(1)).body.toString()).toBe(SMALL_BODY);
  });

  it('"Each endpoint has an HPACK encoder context and an HPACK decoder context that are used for encoding and decoding all field blocks on a connection": requests encoded against the dynamic table are decoded right', async () => {
    const peer = await connect();
    for (const id of [1, 3, 5]) {
      peer.send(peer.headers(id, peer.request('/', 'GET', [['x-same', 'value-that-gets-indexed'], ['x-id', `id ${id}`]]), { endStream: true }));
      expect((await peer.expectResponseComplete(id)).body.toString()).toBe(SMALL_BODY);
    }
  });

  it('"each field block is processed as a discrete unit": the block of a malformed request still updates the decoder\'s table', async () => {
    const peer = await connect();
    // Stream 1 inserts x-first: 1 (index 62) and is malformed (uppercase name): a stream error, but the insertion stands.
    peer.send(peer.rawHeaders(1, peer.getBlock(indexedLiteral('x-first', '1'), literal('Upper-Case', 'x')), { endStream: true }));
    await peer.expectRst(1, ErrorCode.PROTOCOL_ERROR);
    // Stream 3 refers to index 62: valid only if the server decoded stream 1's block.
    peer.send(peer.rawHeaders(3, peer.getBlock([0xbe]), { endStream: true }));
    expect((await peer.expectResponseComplete(3)).status).toBe('200');
  });

  it('"Each field block is processed as a discrete unit": a block on a stream the client reset is answered with STREAM_CLOSED but still decoded', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/echo', 'POST')), peer.rst(1, ErrorCode.CANCEL));
    await peer.expectHealthy();
    peer.send(peer.rawHeaders(1, indexedLiteral('x-late', 'yes'), { endStream: true }));
    await peer.expectRst(1, ErrorCode.STREAM_CLOSED);
    peer.send(peer.rawHeaders(3, peer.getBlock([0xbe]), { endStream: true }));
    expect((await peer.expectResponseComplete(3)).status).toBe('200');
  });

  const interleaved: Array<[string, (p: RawPeer) => Frame | Uint8Array]> = [
    ['PRIORITY on the same stream (h2spec 4.3/2)', (p) => p.priority(1, { dependsOn: 0, exclusive: false, weight: 16 })],
    ['HEADERS on another stream (h2spec 4.3/3)', (p) => p.headers(3, p.request('/'), { endStream: true })],
    ['DATA on the same stream', (p) => p.data(1, 'x')],
    ['PING', (p) => p.ping()],
    ['SETTINGS', (p) => p.settings([])],
    ['WINDOW_UPDATE on the connection', (p) => p.windowUpdate(0, 100)],
    ['RST_STREAM on the same stream', (p) => p.rst(1, ErrorCode.CANCEL)],
    ['an unknown extension frame', () => ({ type: 0xfa, flags: 0, streamId: 0, payload: new Uint8Array(4), unknown: true })],
  ];
  it.each(interleaved)(
    '"Field blocks MUST be transmitted as a contiguous sequence of frames, with no interleaved frames of any other type or from any other stream": %s inside a block is a connection PROTOCOL_ERROR',
    async (_name, make) => {
      const peer = await connect();
      const block = peer.hpack.encode(peer.request('/'));
      peer.send(peer.rawHeaders(1, block.subarray(0, 2), { endHeaders: false }), make(peer), peer.continuation(1, block.subarray(2), true));
      await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 0);
    },
  );

  describe('while the server is busy responding', () => {
    it('an undecodable block on a new stream is a connection COMPRESSION_ERROR even with responses in flight; last-stream-id covers them', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1, 3]);
      peer.send(peer.rawHeaders(5, [0x82, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], { endStream: true }));
      await peer.expectGoaway(ErrorCode.COMPRESSION_ERROR, 3);
    });

    it('a frame interleaved in a block is a connection PROTOCOL_ERROR even with responses in flight', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1]);
      const block = peer.hpack.encode(peer.request('/'));
      peer.send(peer.rawHeaders(3, block.subarray(0, 2), { endHeaders: false }), peer.windowUpdate(1, 100));
      await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 1);
    });

    it('the block of a malformed request on a busy connection still updates the table, and the busy responses complete', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1]);
      peer.send(peer.rawHeaders(3, [...peer.hpack.encode(peer.request('/')), ...indexedLiteral('x-busy', '1'), ...literal('te', 'gzip')], { endStream: true }));
      await peer.expectRst(3, ErrorCode.PROTOCOL_ERROR);
      await finishBusy(peer, [1]);
    });
  });
});
