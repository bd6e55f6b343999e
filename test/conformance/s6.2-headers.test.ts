/**
 * RFC 9113 §6.2 HEADERS (h2spec http2/6.2, generic/3.2).
 */
import { ErrorCode, Flag, FrameType, rawFrame, RawPeer } from './raw-peer';
import { BUSY, describeTargets, finishBusy, SMALL_BODY, startBusy } from './targets';

describeTargets('RFC 9113 §6.2 HEADERS', (server) => {
  const connect = () => RawPeer.connect(server().port);

  it('"A HEADERS frame without the END_HEADERS flag set MUST be followed by a CONTINUATION frame for the same stream. A receiver MUST treat the receipt of any other type of frame … as a connection error of type PROTOCOL_ERROR": PRIORITY (h2spec 6.2/1)', async () => {
    const peer = await connect();
    const block = peer.hpack.encode(peer.request('/'));
    peer.send(peer.rawHeaders(1, block, { endHeaders: false, endStream: true }), peer.priority(1, { dependsOn: 0, exclusive: false, weight: 16 }));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 0);
  });

  it('"… or a frame on a different stream": HEADERS on another stream (h2spec 6.2/2)', async () => {
    const peer = await connect();
    const block = peer.hpack.encode(peer.request('/'));
    peer.send(peer.rawHeaders(1, block, { endHeaders: false, endStream: true }), peer.rawHeaders(3, block, { endStream: true }));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 0);
  });

  it('"If a HEADERS frame is received whose Stream Identifier field is 0x00, the recipient MUST respond with a connection error of type PROTOCOL_ERROR" (h2spec 6.2/3)', async () => {
    const peer = await connect();
    peer.sendBytes(rawFrame(FrameType.HEADERS, Flag.END_HEADERS | Flag.END_STREAM, 0, peer.hpack.encode(peer.request('/'))));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 0);
  });

  it('"Padding that exceeds the size remaining for the header block fragment MUST be treated as a PROTOCOL_ERROR" (h2spec 6.2/4)', async () => {
    const peer = await connect();
    const block = peer.getBlock();
    peer.sendBytes(rawFrame(FrameType.HEADERS, Flag.END_HEADERS | Flag.END_STREAM | Flag.PADDED, 1, [block.length + 1, ...block]));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 0);
  });

  it('a HEADERS frame too short for its PRIORITY fields is a connection FRAME_SIZE_ERROR (§4.2: a frame that carries a field block)', async () => {
    const peer = await connect();
    peer.sendBytes(rawFrame(FrameType.HEADERS, Flag.END_HEADERS | Flag.PRIORITY, 1, [0, 0, 0]));
    await peer.expectGoaway(ErrorCode.FRAME_SIZE_ERROR, 0);
  });

  it('a padded HEADERS frame, and one with priority fields, open requests like any other (generic 3.2.3, 3.2.4)', async () => {
    const peer = await connect();
    peer.send(
      peer.headers(1, peer.request('/'), { endStream: true, padding: 100 }),
      peer.headers(3, peer.request('/'), { endStream: true, priority: { dependsOn: 1, exclusive: true, weight: 32 } }),
      peer.headers(5, peer.request('/'), { endStream: true, padding: 0, priority: { dependsOn: 0, exclusive: false, weight: 256 } }),
    );
    for (const id of [1, 3, 5]) expect((await peer.expectResponseComplete(id)).body.toString()).toBe(SMALL_BODY);
  });

  it('"END_STREAM … a HEADERS frame carries the END_STREAM flag that signals the end of a stream", also when the block continues in CONTINUATION frames', async () => {
    const peer = await connect();
    const block = peer.hpack.encode(peer.request('/'));
    peer.send(peer.rawHeaders(1, block.subarray(0, 4), { endHeaders: false, endStream: true }), peer.continuation(1, block.subarray(4), true));
    expect((await peer.expectResponseComplete(1)).body.toString()).toBe(SMALL_BODY);
    // The request had ended: DATA on the stream now is on a closed stream.
    peer.send(peer.data(1, 'late'));
    await peer.expectRst(1, ErrorCode.STREAM_CLOSED);
  });

  it('a padded HEADERS frame with priority fields, continued in CONTINUATION frames, is one request', async () => {
    const peer = await connect();
    const block = peer.hpack.encode(peer.request('/', 'GET', [['x-long', 'l'.repeat(100)]]));
    peer.send(
      { ...peer.rawHeaders(1, block.subarray(0, 10), { endHeaders: false, endStream: true, padding: 20, priority: { dependsOn: 0, exclusive: false, weight: 8 } }) },
      peer.continuation(1, block.subarray(10, 50), false),
      peer.continuation(1, block.subarray(50), true),
    );
    expect((await peer.expectResponseComplete(1)).body.toString()).toBe(SMALL_BODY);
  });

  describe('while the server is busy responding', () => {
    it('HEADERS on stream 0 while responses are in flight: connection PROTOCOL_ERROR', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1]);
      peer.sendBytes(rawFrame(FrameType.HEADERS, Flag.END_HEADERS, 0, [0x82]));
      await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 1);
    });

    it('a new request opened while responses are in flight is served, and they complete', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1]);
      peer.send(peer.headers(3, peer.request('/'), { endStream: true, padding: 10 }));
      expect((await peer.expectResponseComplete(3)).body.toString()).toBe(SMALL_BODY);
      await finishBusy(peer, [1]);
    });
  });
});
