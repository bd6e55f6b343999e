/**
 * RFC 9113 §8.4 server push (h2spec http2/8.2): a client cannot push.
 */
import { ErrorCode, type Frame, FrameType, RawPeer } from './raw-peer';
import { BUSY, describeTargets, startBusy } from './targets';

describeTargets('RFC 9113 §8.4 server push', (server) => {
  const promise = (peer: RawPeer, streamId: number, promised: number): Frame => ({
    type: FrameType.PUSH_PROMISE,
    streamId,
    promisedStreamId: promised,
    headerBlock: peer.hpack.encode(peer.request('/pushed')),
    endHeaders: true,
  });

  it('"A client cannot push. Thus, servers MUST treat the receipt of a PUSH_PROMISE frame as a connection error of type PROTOCOL_ERROR" (h2spec 8.2/1)', async () => {
    const peer = await RawPeer.connect(server().port);
    peer.send(peer.headers(1, peer.request('/echo', 'POST')), promise(peer, 1, 2));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 1);
  });

  it('"… MUST treat the receipt of a PUSH_PROMISE frame as a connection error": also on an idle stream', async () => {
    const peer = await RawPeer.connect(server().port);
    peer.send(promise(peer, 3, 2));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 0);
  });

  it('"SETTINGS_ENABLE_PUSH … 0": a client that disables push gets no PUSH_PROMISE', async () => {
    const peer = await RawPeer.connect(server().port, { settings: [[2, 0]] });
    peer.send(peer.headers(1, peer.request('/'), { endStream: true }));
    await peer.expectResponseComplete(1);
    await peer.expectHealthyNoReset();
    expect(peer.frames.some((f) => f.unknown !== true && f.type === FrameType.PUSH_PROMISE)).toBe(false);
  });

  describe('while the server is busy responding', () => {
    it('a PUSH_PROMISE on a stream whose response is in flight: connection PROTOCOL_ERROR', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1, 3]);
      peer.send(promise(peer, 1, 2));
      await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 3);
    });
  });
});
