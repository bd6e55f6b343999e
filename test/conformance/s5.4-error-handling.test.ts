/**
 * RFC 9113 §5.4 error handling (h2spec http2/5.4): connection errors end
 * with GOAWAY and a closed TCP connection; stream errors end one stream and
 * leave the others alone.
 */
import { ErrorCode, FrameType, rawFrame, RawPeer } from './raw-peer';
import { BUSY, describeTargets, finishBusy, SMALL_BODY, startBusy, itWith } from './targets';

describeTargets('RFC 9113 §5.4 error handling', (server, target) => {
  const connect = () => RawPeer.connect(server().port);

  it('"An endpoint that encounters a connection error SHOULD first send a GOAWAY frame" — an invalid PING is a connection error (h2spec 5.4.1/1)', async () => {
    const peer = await connect();
    peer.sendBytes(rawFrame(FrameType.PING, 0, 0, [1, 2, 3, 4, 5, 6]));
    await peer.expectGoaway(ErrorCode.FRAME_SIZE_ERROR, 0);
  });

  it('"After sending the GOAWAY frame for an error condition, the endpoint MUST close the TCP connection" (h2spec 5.4.1/2)', async () => {
    const peer = await connect();
    peer.send(peer.data(1, 'x'));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 0);
    expect(peer.ended).toBe(true);
    // Whatever we still send is not answered.
    peer.send(peer.ping());
    await new Promise<void>((resolve) => (peer.socket.destroyed ? resolve() : peer.socket.once('close', () => resolve())));
    expect(peer.frames.at(-1)!.type).toBe(FrameType.GOAWAY);
  });

  it('"… the last stream identifier … is the highest-numbered stream identifier for which the sender of the GOAWAY frame might have taken some action"', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/'), { endStream: true }), peer.headers(3, peer.request('/echo', 'POST')));
    await peer.expectResponseComplete(1);
    await peer.expectResponse(3);
    peer.send(peer.settings([], true)); // an unexpected SETTINGS ACK: a connection error
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 3);
  });

  itWith(target, 'echo')('"An endpoint that detects a stream error sends a RST_STREAM frame … containing the stream identifier of the stream where the error occurred": the other streams go on', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/echo', 'POST')), peer.headers(3, peer.request('/echo', 'POST')));
    peer.send(peer.data(1, 'one'), peer.windowUpdate(3, 0), peer.data(1, ' done', { endStream: true }));
    await peer.expectRst(3, ErrorCode.PROTOCOL_ERROR);
    expect((await peer.expectResponseComplete(1)).body.toString()).toBe('one done');
  });

  it('"To avoid looping, an endpoint MUST NOT send a RST_STREAM in response to a RST_STREAM frame"', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/echo', 'POST')), peer.rst(1, ErrorCode.INTERNAL_ERROR));
    await peer.expectHealthyNoReset();
  });

  it('a stream error does not stop new streams: the next request is served', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/', 'GET', [['connection', 'close']]), { endStream: true }));
    await peer.expectRst(1, ErrorCode.PROTOCOL_ERROR);
    peer.send(peer.headers(3, peer.request('/'), { endStream: true }));
    expect((await peer.expectResponseComplete(3)).body.toString()).toBe(SMALL_BODY);
  });

  describe('while the server is busy responding', () => {
    it('a connection error with responses in flight: GOAWAY with the highest stream, the TCP connection closed, no more DATA', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1, 3]);
      peer.sendBytes(rawFrame(FrameType.PING, 0, 0, [1, 2, 3]));
      await peer.expectGoaway(ErrorCode.FRAME_SIZE_ERROR, 3);
    });

    it('a stream error on one stream in flight leaves the others in flight untouched', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1, 3, 5]);
      peer.send(peer.windowUpdate(3, 0));
      await peer.expectRst(3, ErrorCode.PROTOCOL_ERROR);
      await finishBusy(peer, [1, 5]);
    });

    it('an invalid frame on a stream that is closing (its last DATA just released) is still answered', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1, 3]);
      // Release everything on stream 1 and, in the same write, a zero increment on it: whichever the
      // server sees first, the zero increment is an error on a stream that is not idle and not reset.
      peer.send(peer.windowUpdate(0, 1 << 20), peer.windowUpdate(1, 1 << 20), peer.windowUpdate(1, 0));
      await peer.expectRst(1, ErrorCode.PROTOCOL_ERROR);
      await finishBusy(peer, [3]);
    });
  });
});
