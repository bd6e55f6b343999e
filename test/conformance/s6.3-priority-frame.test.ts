/**
 * RFC 9113 §6.3 PRIORITY (h2spec http2/6.3).
 */
import { ErrorCode, FrameType, rawFrame, RawPeer } from './raw-peer';
import { BUSY, describeTargets, finishBusy, startBusy } from './targets';

describeTargets('RFC 9113 §6.3 PRIORITY', (server) => {
  const connect = () => RawPeer.connect(server().port);

  it('"If a PRIORITY frame is received with a stream identifier of 0x00, the recipient MUST respond with a connection error of type PROTOCOL_ERROR" (h2spec 6.3/1)', async () => {
    const peer = await connect();
    peer.sendBytes(rawFrame(FrameType.PRIORITY, 0, 0, [0, 0, 0, 1, 16]));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 0);
  });

  it('"A PRIORITY frame with a length other than 5 octets MUST be treated as a stream error of type FRAME_SIZE_ERROR" (h2spec 6.3/2)', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/echo', 'POST')));
    await peer.expectResponse(1);
    peer.sendBytes(rawFrame(FrameType.PRIORITY, 0, 1, [0x80, 0, 0, 1, 10, 0]));
    await peer.expectRst(1, ErrorCode.FRAME_SIZE_ERROR);
    await peer.expectHealthy();
  });

  it('… a 4-octet PRIORITY is a stream FRAME_SIZE_ERROR too', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/echo', 'POST')));
    await peer.expectResponse(1);
    peer.sendBytes(rawFrame(FrameType.PRIORITY, 0, 1, [0, 0, 0, 3]));
    await peer.expectRst(1, ErrorCode.FRAME_SIZE_ERROR);
    await peer.expectHealthy();
  });

  it('… on an idle stream it cannot be answered with RST_STREAM (§6.4: not for an idle stream): connection FRAME_SIZE_ERROR', async () => {
    const peer = await connect();
    peer.sendBytes(rawFrame(FrameType.PRIORITY, 0, 5, [0, 0, 0, 3, 10, 0]));
    await peer.expectGoaway(ErrorCode.FRAME_SIZE_ERROR, 0);
  });

  it('"The PRIORITY frame can be sent on a stream in any state, including idle or closed streams"', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/'), { endStream: true }));
    await peer.expectResponseComplete(1);
    peer.send(
      peer.priority(1, { dependsOn: 0, exclusive: false, weight: 16 }),
      peer.priority(7, { dependsOn: 1, exclusive: true, weight: 200 }),
      peer.priority(3, { dependsOn: 7, exclusive: false, weight: 1 }),
    );
    await peer.expectHealthyNoReset();
    // 3 and 7 stay idle: they can still be opened, in order.
    peer.send(peer.headers(3, peer.request('/'), { endStream: true }), peer.headers(7, peer.request('/'), { endStream: true }));
    await peer.expectResponseComplete(3);
    await peer.expectResponseComplete(7);
  });

  describe('while the server is busy responding', () => {
    it('a malformed PRIORITY on a stream in flight is a stream FRAME_SIZE_ERROR; the other stream completes', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1, 3]);
      peer.sendBytes(rawFrame(FrameType.PRIORITY, 0, 1, [0, 0, 0]));
      await peer.expectRst(1, ErrorCode.FRAME_SIZE_ERROR);
      await finishBusy(peer, [3]);
    });
  });
});
