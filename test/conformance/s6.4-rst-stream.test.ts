/**
 * RFC 9113 §6.4 RST_STREAM (h2spec http2/6.4).
 */
import { ErrorCode, FrameType, rawFrame, RawPeer, u32 } from './raw-peer';
import { BUSY, describeTargets, finishBusy, startBusy } from './targets';

describeTargets('RFC 9113 §6.4 RST_STREAM', (server) => {
  const connect = () => RawPeer.connect(server().port);

  it('"If a RST_STREAM frame is received with a stream identifier of 0x00, the recipient MUST treat this as a connection error of type PROTOCOL_ERROR" (h2spec 6.4/1)', async () => {
    const peer = await connect();
    peer.sendBytes(rawFrame(FrameType.RST_STREAM, 0, 0, u32(ErrorCode.CANCEL)));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 0);
  });

  it('"If a RST_STREAM frame identifying an idle stream is received, the recipient MUST treat this as a connection error of type PROTOCOL_ERROR" (h2spec 6.4/2)', async () => {
    const peer = await connect();
    peer.send(peer.rst(1, ErrorCode.CANCEL));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 0);
  });

  it('"… identifying an idle stream": also an idle id above the streams already open', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/'), { endStream: true }));
    await peer.expectResponseComplete(1);
    peer.send(peer.rst(3, ErrorCode.CANCEL));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 1);
  });

  it('"A RST_STREAM frame with a length other than 4 octets MUST be treated as a connection error of type FRAME_SIZE_ERROR" (h2spec 6.4/3)', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/echo', 'POST')));
    peer.sendBytes(rawFrame(FrameType.RST_STREAM, 0, 1, [0, 0, 0, 8, 0]));
    await peer.expectGoaway(ErrorCode.FRAME_SIZE_ERROR, 1);
  });

  it('"The RST_STREAM frame fully terminates the referenced stream": no frames follow on it, and no RST_STREAM answers it', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/echo', 'POST')));
    await peer.expectResponse(1);
    peer.send(peer.rst(1, ErrorCode.CANCEL));
    await peer.expectHealthyNoReset();
    const n = peer.framesOn(1).length;
    peer.send(peer.headers(3, peer.request('/'), { endStream: true }));
    await peer.expectResponseComplete(3);
    await peer.expectHealthyNoReset();
    expect(peer.framesOn(1).length).toBe(n);
  });

  describe('while the server is busy responding', () => {
    it('"after receiving a RST_STREAM on a stream, the receiver MUST NOT send additional frames for that stream": the blocked response is dropped, the others complete', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1, 3, 5]);
      peer.send(peer.rst(3, ErrorCode.CANCEL));
      await peer.expectHealthyNoReset();
      const n = peer.framesOn(3).length;
      await finishBusy(peer, [1, 5]);
      await peer.expectHealthyNoReset();
      expect(peer.framesOn(3).length).toBe(n);
    });

    it('RST_STREAM racing the last DATA, with the connection window released in the same write: the stream ends one way or the other, nothing answers the RST_STREAM', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1, 3]);
      peer.send(peer.windowUpdate(0, 1 << 20), peer.windowUpdate(1, 1 << 20), peer.rst(1, ErrorCode.NO_ERROR));
      await peer.expectHealthyNoReset();
      await finishBusy(peer, [3]);
      await peer.expectHealthyNoReset();
    });

    it('an RST_STREAM of bad length while responses are in flight: connection FRAME_SIZE_ERROR', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1]);
      peer.sendBytes(rawFrame(FrameType.RST_STREAM, 0, 1, [0, 0, 8]));
      await peer.expectGoaway(ErrorCode.FRAME_SIZE_ERROR, 1);
    });
  });
});
