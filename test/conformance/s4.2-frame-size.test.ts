/**
 * RFC 9113 §4.2 frame size (h2spec http2/4.2): SETTINGS_MAX_FRAME_SIZE in
 * both directions, and which oversize frames are stream or connection errors.
 */
import { ErrorCode, FrameType, rawFrame, RawPeer, SettingId } from './raw-peer';
import { BUSY, describeTargets, finishBusy, LARGE_SIZE, startBusy, itWith } from './targets';

describeTargets('RFC 9113 §4.2 frame size', (server, target) => {
  const connect = (settings: Array<[number, number]> = []) => RawPeer.connect(server().port, { settings });

  itWith(target, 'echo')('"All implementations MUST be capable of receiving and minimally processing frames up to 2^14 octets in length": a 16384-octet DATA frame (h2spec 4.2/1)', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/echo', 'POST')), peer.data(1, 16384, { endStream: true }));
    const res = await peer.expectResponseComplete(1);
    expect(res.body.length).toBe(16384);
  });

  it('"An endpoint MUST send an error code of FRAME_SIZE_ERROR if a frame exceeds the size defined in SETTINGS_MAX_FRAME_SIZE": DATA of 16385 octets is a stream error (h2spec 4.2/2)', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/echo', 'POST')), peer.data(1, 16385));
    await peer.expectRst(1, ErrorCode.FRAME_SIZE_ERROR);
    await peer.expectHealthy();
    peer.send(peer.headers(3, peer.request('/')), peer.data(3, 10, { endStream: true }));
    expect((await peer.expectResponseComplete(3)).status).toBe('200');
  });

  it('… and the DATA dropped with that stream error still counts against the connection window ("A receiver that receives a flow-controlled frame MUST always account for its contribution against the connection flow-control window", §6.9): it is credited back, so the two ends stay in step', async () => {
    const peer = await connect();
    const before = peer.connectionWindowGranted;
    // More oversize octets than the whole connection window: uncounted, the peer's window would end below zero.
    const frames = Math.ceil(before / 16385) + 1;
    for (let i = 0; i < frames; i++) {
      const id = 1 + 2 * i;
      peer.send(peer.headers(id, peer.request('/echo', 'POST')), peer.data(id, 16385));
      await peer.expectRst(id, ErrorCode.FRAME_SIZE_ERROR);
    }
    // The server credits in batches (at half its window): what it has credited keeps our window open.
    await peer.expectHealthy();
    const sent = frames * 16385;
    expect(peer.connectionWindowGranted - sent).toBeGreaterThan(before / 2 - 16385);
    expect(peer.connectionWindowGranted).toBeLessThanOrEqual(before + sent);
  });

  it('"A frame size error in a frame that could alter the state of the entire connection MUST be treated as a connection error; this includes any frame carrying a field block": HEADERS of 16385 octets (h2spec 4.2/3)', async () => {
    const peer = await connect();
    peer.send(peer.rawHeaders(1, new Uint8Array(16385).fill(0x82), { endStream: true }));
    await peer.expectGoaway(ErrorCode.FRAME_SIZE_ERROR, 0);
  });

  it('"… this includes … SETTINGS": an oversize SETTINGS frame is a connection FRAME_SIZE_ERROR', async () => {
    const peer = await connect();
    peer.sendBytes(rawFrame(FrameType.SETTINGS, 0, 0, new Uint8Array(16386)));
    await peer.expectGoaway(ErrorCode.FRAME_SIZE_ERROR, 0);
  });

  it('"… and any frame with a stream identifier of 0": an oversize unknown frame on stream 0 is a connection FRAME_SIZE_ERROR', async () => {
    const peer = await connect();
    peer.sendBytes(rawFrame(0xee, 0, 0, new Uint8Array(16385)));
    await peer.expectGoaway(ErrorCode.FRAME_SIZE_ERROR, 0);
  });

  it('"… that carries a field block": an oversize CONTINUATION is a connection FRAME_SIZE_ERROR', async () => {
    const peer = await connect();
    const block = peer.hpack.encode(peer.request('/'));
    peer.send(peer.rawHeaders(1, block.subarray(0, 2), { endHeaders: false, endStream: true }), peer.continuation(1, new Uint8Array(16385)));
    await peer.expectGoaway(ErrorCode.FRAME_SIZE_ERROR, 0);
  });

  it('the server never sends a frame larger than our SETTINGS_MAX_FRAME_SIZE (default 16384)', async () => {
    const peer = await connect();
    peer.send(peer.windowUpdate(0, LARGE_SIZE), peer.headers(1, peer.request('/large'), { endStream: true }));
    const res = await peer.expectResponseComplete(1);
    expect(res.body.length).toBe(LARGE_SIZE);
    for (const f of peer.frames) expect(frameLength(f)).toBeLessThanOrEqual(16384);
  });

  it('"SETTINGS_MAX_FRAME_SIZE: … the size of the largest frame payload that the sender is willing to receive": with 32768 announced, the server never exceeds it', async () => {
    const peer = await connect([
      [SettingId.MAX_FRAME_SIZE, 32768],
      [SettingId.INITIAL_WINDOW_SIZE, 1 << 20],
    ]);
    peer.send(peer.windowUpdate(0, 1 << 20), peer.headers(1, peer.request('/large'), { endStream: true }));
    const res = await peer.expectResponseComplete(1);
    expect(res.body.length).toBe(LARGE_SIZE);
    const sizes = peer.framesOn(1).map(frameLength);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(32768);
  });

  describe('while the server is busy responding', () => {
    it('an oversize DATA frame on a stream whose response is in flight is still a stream FRAME_SIZE_ERROR; the other responses complete', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1, 3]);
      peer.send(peer.headers(5, peer.request('/echo', 'POST')), peer.data(5, 20000));
      await peer.expectRst(5, ErrorCode.FRAME_SIZE_ERROR);
      await peer.expectHealthy();
      await finishBusy(peer, [1, 3]);
    });
  });
});

/** Payload length of a decoded frame as it was on the wire (close enough for DATA/HEADERS without padding). */
function frameLength(f: import('./raw-peer').Frame): number {
  if (f.unknown === true) return f.payload.length;
  switch (f.type) {
    case FrameType.DATA:
      return f.data.length + (f.padding === undefined ? 0 : f.padding + 1);
    case FrameType.HEADERS:
    case FrameType.CONTINUATION:
      return f.headerBlock.length;
    default:
      return 0;
  }
}
