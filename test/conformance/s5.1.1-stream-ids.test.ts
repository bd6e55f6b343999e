/**
 * RFC 9113 §5.1.1 stream identifiers (h2spec http2/5.1.1).
 */
import { ErrorCode, RawPeer } from './raw-peer';
import { BUSY, describeTargets, finishBusy, SMALL_BODY, startBusy } from './targets';

describeTargets('RFC 9113 §5.1.1 stream identifiers', (server) => {
  const connect = () => RawPeer.connect(server().port);

  it('"Streams initiated by a client MUST use odd-numbered stream identifiers": an even one is a connection PROTOCOL_ERROR (h2spec 5.1.1/1)', async () => {
    const peer = await connect();
    peer.send(peer.headers(2, peer.request('/'), { endStream: true }));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 0);
  });

  it('"The identifier of a newly established stream MUST be numerically greater than all streams that the initiating endpoint has opened or reserved … An endpoint that receives an unexpected stream identifier MUST respond with a connection error of type PROTOCOL_ERROR" (h2spec 5.1.1/2)', async () => {
    const peer = await connect();
    peer.send(peer.headers(5, peer.request('/'), { endStream: true }), peer.headers(3, peer.request('/'), { endStream: true }));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 5);
  });

  it('"The first use of a new stream identifier implicitly closes all streams in the idle state that might have been initiated by that peer with a lower-valued stream identifier": skipping ids is fine', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/'), { endStream: true }), peer.headers(11, peer.request('/'), { endStream: true }));
    expect((await peer.expectResponseComplete(1)).body.toString()).toBe(SMALL_BODY);
    expect((await peer.expectResponseComplete(11)).body.toString()).toBe(SMALL_BODY);
    await peer.expectHealthyNoReset();
  });

  it('… and a skipped id cannot be opened afterwards: HEADERS on it is a connection PROTOCOL_ERROR', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/'), { endStream: true }), peer.headers(7, peer.request('/'), { endStream: true }));
    await peer.expectResponseComplete(7);
    peer.send(peer.headers(5, peer.request('/'), { endStream: true }));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 7);
  });

  it('… a skipped (implicitly closed) id takes no DATA either: connection PROTOCOL_ERROR', async () => {
    const peer = await connect();
    peer.send(peer.headers(7, peer.request('/'), { endStream: true }));
    await peer.expectResponseComplete(7);
    peer.send(peer.data(3, 'x', { endStream: true }));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 7);
  });

  it('"Stream identifiers cannot be reused": HEADERS on a stream that has ended is a connection error (STREAM_CLOSED, §5.1)', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/'), { endStream: true }));
    await peer.expectResponseComplete(1);
    peer.send(peer.headers(1, peer.request('/'), { endStream: true }));
    await peer.expectGoaway(ErrorCode.STREAM_CLOSED, 1);
  });

  it('the largest stream identifier, 2^31-1, can be used', async () => {
    const peer = await connect();
    peer.send(peer.headers(0x7fffffff, peer.request('/'), { endStream: true }));
    expect((await peer.expectResponseComplete(0x7fffffff)).body.toString()).toBe(SMALL_BODY);
    await peer.expectHealthyNoReset();
  });

  describe('while the server is busy responding', () => {
    it('a lower stream id arriving while responses are in flight is still a connection PROTOCOL_ERROR, with the highest processed stream as last-stream-id', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [5, 9]);
      peer.send(peer.headers(7, peer.request('/'), { endStream: true }));
      await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 9);
    });

    it('an even stream id while responses are in flight: connection PROTOCOL_ERROR', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1]);
      peer.send(peer.headers(4, peer.request('/'), { endStream: true }));
      await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 1);
    });

    it('new streams opened while others are in flight are served, and the busy ones complete', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1]);
      peer.send(peer.headers(3, peer.request('/'), { endStream: true }));
      expect((await peer.expectResponseComplete(3)).body.toString()).toBe(SMALL_BODY);
      await finishBusy(peer, [1]);
    });
  });
});
