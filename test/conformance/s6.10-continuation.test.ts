/**
 * RFC 9113 §6.10 CONTINUATION (h2spec http2/6.10, generic/3.10).
 */
import { ErrorCode, Flag, FrameType, rawFrame, RawPeer } from './raw-peer';
import { BUSY, describeTargets, finishBusy, SMALL_BODY, startBusy } from './targets';

describeTargets('RFC 9113 §6.10 CONTINUATION', (server) => {
  const connect = () => RawPeer.connect(server().port);
  const split = (peer: RawPeer, parts: number) => {
    const block = peer.hpack.encode(peer.request('/', 'GET', [['x-pad', 'p'.repeat(64)]]));
    const size = Math.ceil(block.length / parts);
    return Array.from({ length: parts }, (_, i) => block.subarray(i * size, (i + 1) * size));
  };

  it('"Any number of CONTINUATION frames can be sent, as long as the preceding frame is on the same stream and is a HEADERS, PUSH_PROMISE, or CONTINUATION frame without the END_HEADERS flag set" (h2spec 6.10/1, generic 3.10)', async () => {
    const peer = await connect();
    const [first, ...rest] = split(peer, 6);
    peer.send(peer.rawHeaders(1, first!, { endHeaders: false, endStream: true }), ...rest.map((p, i) => peer.continuation(1, p, i === rest.length - 1)));
    expect((await peer.expectResponseComplete(1)).body.toString()).toBe(SMALL_BODY);
  });

  it('"A receiver MUST treat the receipt of any other type of frame or a frame on a different stream as a connection error of type PROTOCOL_ERROR": DATA after a CONTINUATION without END_HEADERS (h2spec 6.10/2)', async () => {
    const peer = await connect();
    const [a, b, c] = split(peer, 3);
    peer.send(peer.rawHeaders(1, a!, { endHeaders: false }), peer.continuation(1, b!, false), peer.data(1, 'x'), peer.continuation(1, c!, true));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 0);
  });

  it('"If a CONTINUATION frame is received with a Stream Identifier field of 0x00, the recipient MUST respond with a connection error of type PROTOCOL_ERROR" (h2spec 6.10/3)', async () => {
    const peer = await connect();
    const [a, b] = split(peer, 2);
    peer.send(peer.rawHeaders(1, a!, { endHeaders: false, endStream: true }));
    peer.sendBytes(rawFrame(FrameType.CONTINUATION, Flag.END_HEADERS, 0, b!));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 0);
  });

  it('"A CONTINUATION frame MUST be preceded by a HEADERS, PUSH_PROMISE or CONTINUATION frame without the END_HEADERS flag set … connection error of type PROTOCOL_ERROR": after HEADERS with END_HEADERS (h2spec 6.10/4)', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/'), { endStream: true }), peer.continuation(1, [0x82], true));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 1);
  });

  it('"… preceded by … CONTINUATION frame without the END_HEADERS flag": after a CONTINUATION with END_HEADERS (h2spec 6.10/5)', async () => {
    const peer = await connect();
    const [a, b] = split(peer, 2);
    peer.send(peer.rawHeaders(1, a!, { endHeaders: false, endStream: true }), peer.continuation(1, b!, true), peer.continuation(1, [0x82], true));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 1);
  });

  it('"… MUST be preceded by a HEADERS, PUSH_PROMISE or CONTINUATION frame": after DATA (h2spec 6.10/6)', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/echo', 'POST')), peer.data(1, 'x'), peer.continuation(1, [0x82], true));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 1);
  });

  it('"… a frame on a different stream": a CONTINUATION for another stream inside a block', async () => {
    const peer = await connect();
    const [a, b] = split(peer, 2);
    peer.send(peer.rawHeaders(1, a!, { endHeaders: false, endStream: true }), peer.continuation(3, b!, true));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 0);
  });

  it('CONTINUATION "defines the following flag: END_HEADERS" only: END_STREAM, PADDED and PRIORITY bits on it are ignored (§4.1) — the request stays open and the block is not re-parsed', async () => {
    const peer = await connect();
    const block = peer.hpack.encode(peer.request('/', 'POST'));
    peer.send(peer.rawHeaders(1, block.subarray(0, 3), { endHeaders: false }));
    peer.sendBytes(rawFrame(FrameType.CONTINUATION, Flag.END_HEADERS | Flag.END_STREAM | Flag.PADDED | Flag.PRIORITY | 0xc2, 1, block.subarray(3)));
    // Had END_STREAM been taken, this DATA would be on a half-closed (remote) stream: STREAM_CLOSED.
    peer.send(peer.data(1, 'still open', { endStream: true }));
    await peer.expectResponseComplete(1);
    await peer.expectHealthyNoReset();
  });

  it('a block dragged over many empty CONTINUATION frames is a connection ENHANCE_YOUR_CALM naming the limit (SECURITY #7, CONTINUATION flood)', async () => {
    const peer = await connect();
    const block = peer.hpack.encode(peer.request('/'));
    peer.send(peer.rawHeaders(1, block, { endHeaders: false, endStream: true }), ...Array.from({ length: 200 }, () => peer.continuation(1, [], false)));
    const goaway = await peer.expectGoaway(ErrorCode.ENHANCE_YOUR_CALM, 0);
    expect(Buffer.from(goaway.debugData).toString()).toMatch(/maxContinuationFrames/);
  });

  describe('while the server is busy responding', () => {
    it('a CONTINUATION interrupted by a WINDOW_UPDATE for a stream in flight: connection PROTOCOL_ERROR', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1]);
      const [a, b] = split(peer, 2);
      peer.send(peer.rawHeaders(3, a!, { endHeaders: false, endStream: true }), peer.windowUpdate(1, 1000), peer.continuation(3, b!, true));
      await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 1);
    });

    it('a request split over CONTINUATION frames while responses are in flight is served, and they complete', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1]);
      const [a, b, c] = split(peer, 3);
      peer.send(peer.rawHeaders(3, a!, { endHeaders: false, endStream: true }), peer.continuation(3, b!, false), peer.continuation(3, c!, true));
      expect((await peer.expectResponseComplete(3)).body.toString()).toBe(SMALL_BODY);
      await finishBusy(peer, [1]);
    });
  });
});
