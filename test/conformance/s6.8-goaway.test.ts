/**
 * RFC 9113 §6.8 GOAWAY (h2spec http2/6.8, generic/3.8): GOAWAY from the
 * client, malformed GOAWAY frames, and the server's own graceful GOAWAY.
 */
import { ErrorCode, FrameType, rawFrame, RawPeer, u32 } from './raw-peer';
import { BUSY, describeTargets, finishBusy, startBusy } from './targets';

describeTargets('RFC 9113 §6.8 GOAWAY', (server, target) => {
  const connect = () => RawPeer.connect(server().port);

  it('"An endpoint MUST treat a GOAWAY frame with a stream identifier other than 0x00 as a connection error of type PROTOCOL_ERROR" (h2spec 6.8/1)', async () => {
    const peer = await connect();
    peer.sendBytes(rawFrame(FrameType.GOAWAY, 0, 1, [...u32(0), ...u32(ErrorCode.NO_ERROR)]));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 0);
  });

  it('a GOAWAY frame shorter than its 8 mandatory octets is a connection FRAME_SIZE_ERROR (§4.2)', async () => {
    const peer = await connect();
    peer.sendBytes(rawFrame(FrameType.GOAWAY, 0, 0, [0, 0, 0, 0]));
    await peer.expectGoaway(ErrorCode.FRAME_SIZE_ERROR, 0);
  });

  it('a GOAWAY from the client with nothing in flight: the server closes the connection (generic 3.8), "SHOULD always send a GOAWAY frame before closing a connection" first', async () => {
    const peer = await connect();
    peer.send(peer.goaway(0, ErrorCode.NO_ERROR));
    await peer.expectGoaway(ErrorCode.NO_ERROR, 0);
    expect(peer.frames.some((f) => f.unknown !== true && f.type === FrameType.RST_STREAM)).toBe(false);
  });

  describe('while the server is busy responding', () => {
    it('"Activity on streams numbered lower than or equal to the last stream identifier might still complete successfully": after the client\'s GOAWAY the responses in flight complete, then the connection closes', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1, 3]);
      peer.send(peer.goaway(0, ErrorCode.NO_ERROR));
      await finishBusy(peer, [1, 3]);
      // Before closing, its own GOAWAY: both streams were processed.
      await peer.expectGoaway(ErrorCode.NO_ERROR, 3);
    });

    it('a GOAWAY on stream 1 while responses are in flight: connection PROTOCOL_ERROR', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1]);
      peer.sendBytes(rawFrame(FrameType.GOAWAY, 0, 1, [...u32(0), ...u32(0)]));
      await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 1);
    });

    it('the server\'s graceful shutdown: GOAWAY NO_ERROR naming the last stream it processed; that stream completes; a newer stream is ignored; then the connection closes', async () => {
      const own = await target.start();
      const peer = await RawPeer.connect(own.port, BUSY);
      await startBusy(peer, [1, 3]);
      const closed = own.close();
      const goaway = await peer.expectFrame((f) => f.unknown !== true && f.type === FrameType.GOAWAY, 'GOAWAY');
      expect(goaway).toMatchObject({ errorCode: ErrorCode.NO_ERROR, lastStreamId: 3 });
      // "the sender will ignore frames sent on streams initiated by the receiver if the stream has an identifier higher than the included last stream identifier"
      peer.send(peer.headers(5, peer.request('/'), { endStream: true }));
      await finishBusy(peer, [1, 3]);
      await peer.expectEnd();
      expect(peer.framesOn(5)).toEqual([]);
      await closed;
    });
  });
});
