/**
 * RFC 9113 §5.5 extending HTTP/2 (h2spec http2/5.5): unknown frame types
 * and settings are ignored, except inside a field block; extension frames
 * meant for clients (ALTSVC, ORIGIN) are ignored by a server.
 */
import { ErrorCode, FrameType, rawFrame, RawPeer } from './raw-peer';
import { BUSY, describeTargets, finishBusy, SMALL_BODY, startBusy } from './targets';

describeTargets('RFC 9113 §5.5 extensions', (server) => {
  const connect = () => RawPeer.connect(server().port);

  it('"Implementations MUST ignore unknown or unsupported values in all extensible protocol elements … MUST discard frames that have unknown or unsupported types" (h2spec 5.5/1)', async () => {
    const peer = await connect();
    peer.sendBytes(rawFrame(0x16, 0xff, 0, Buffer.from('unknown on 0')), rawFrame(0x20, 0, 1, []), rawFrame(0xff, 0x01, 0x7fffffff, [1]));
    await peer.expectHealthyNoReset();
    peer.send(peer.headers(1, peer.request('/'), { endStream: true }));
    expect((await peer.expectResponseComplete(1)).body.toString()).toBe(SMALL_BODY);
  });

  it('unknown frames on an open stream are ignored too', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/echo', 'POST')));
    peer.sendBytes(rawFrame(0x30, 0, 1, [1, 2, 3]));
    peer.send(peer.data(1, 'ok', { endStream: true }));
    await peer.expectResponseComplete(1);
    await peer.expectHealthyNoReset();
  });

  it('"Extension frames that appear in the middle of a field block are not permitted; these MUST be treated as a connection error of type PROTOCOL_ERROR" (h2spec 5.5/2)', async () => {
    const peer = await connect();
    const block = peer.hpack.encode(peer.request('/'));
    peer.send(peer.rawHeaders(1, block.subarray(0, 3), { endHeaders: false, endStream: true }));
    peer.sendBytes(rawFrame(0x16, 0, 1, [0]));
    peer.send(peer.continuation(1, block.subarray(3), true));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 0);
  });

  it('ALTSVC from a client: "a server … MUST ignore it" (RFC 7838 §4)', async () => {
    const peer = await connect();
    peer.send({ type: FrameType.ALTSVC, streamId: 0, origin: 'http://example.com', fieldValue: 'h2=":443"' });
    await peer.expectHealthyNoReset();
  });

  it('ORIGIN from a client is ignored (RFC 8336 §2.1: only meaningful from a server)', async () => {
    const peer = await connect();
    peer.send({ type: FrameType.ORIGIN, streamId: 0, origins: ['http://example.com'] });
    await peer.expectHealthyNoReset();
  });

  it('"An endpoint that receives a SETTINGS frame with any unknown or unsupported identifier MUST ignore that setting"', async () => {
    const peer = await connect();
    peer.send(peer.settings([[0x00ff, 1], [0xfafa, 0xffffffff], [0x0007, 3]]));
    await peer.expectFrame((f) => f.unknown !== true && f.type === FrameType.SETTINGS && f.ack, 'SETTINGS ACK');
    await peer.expectHealthyNoReset();
  });

  describe('while the server is busy responding', () => {
    it('unknown frames between DATA of responses in flight are ignored; the responses complete', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1, 3]);
      peer.sendBytes(rawFrame(0x42, 0, 1, [1]), rawFrame(0x42, 0, 3, [2]), rawFrame(0x42, 0, 0, [3]));
      await peer.expectHealthyNoReset();
      await finishBusy(peer, [1, 3]);
    });
  });
});
