/**
 * RFC 9113 §6.1 DATA (h2spec http2/6.1, generic/3.1).
 */
import { ErrorCode, Flag, FrameType, rawFrame, RawPeer } from './raw-peer';
import { BUSY, describeTargets, finishBusy, startBusy, itWith } from './targets';

describeTargets('RFC 9113 §6.1 DATA', (server, target) => {
  const connect = () => RawPeer.connect(server().port);

  it('"If a DATA frame is received whose Stream Identifier field is 0x00, the recipient MUST respond with a connection error of type PROTOCOL_ERROR" (h2spec 6.1/1)', async () => {
    const peer = await connect();
    peer.sendBytes(rawFrame(FrameType.DATA, 0, 0, Buffer.from('zero')));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 0);
  });

  it('"If a DATA frame is received whose stream is not in the open or half-closed (local) state, the recipient MUST respond with a stream error of type STREAM_CLOSED" (h2spec 6.1/2)', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/echo', 'POST')), peer.data(1, 'end', { endStream: true }));
    await peer.expectResponseComplete(1);
    peer.send(peer.data(1, 'after'));
    await peer.expectRst(1, ErrorCode.STREAM_CLOSED);
    await peer.expectHealthy();
  });

  it('"If the length of the padding is the length of the frame payload or greater, the recipient MUST treat this as a connection error of type PROTOCOL_ERROR" (h2spec 6.1/3)', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/echo', 'POST')));
    // Pad Length 6 in a 6-octet payload: padding ≥ payload.
    peer.sendBytes(rawFrame(FrameType.DATA, Flag.PADDED, 1, [6, 0x61, 0x62, 0, 0, 0]));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 1);
  });

  it('… a PADDED DATA frame with no room for the Pad Length is a FRAME_SIZE_ERROR ("too small to contain mandatory frame data", §4.2)', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/echo', 'POST')));
    peer.sendBytes(rawFrame(FrameType.DATA, Flag.PADDED, 1, []));
    await peer.expectGoaway(ErrorCode.FRAME_SIZE_ERROR, 1);
  });

  itWith(target, 'echo')('a single DATA frame, several DATA frames, and padded DATA frames carry the request body; padding is not content (generic 3.1.1-3.1.3)', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/echo', 'POST')), peer.data(1, 'single', { endStream: true }));
    peer.send(peer.headers(3, peer.request('/echo', 'POST')), peer.data(3, 'one,'), peer.data(3, 'two,'), peer.data(3, 'three', { endStream: true }));
    peer.send(peer.headers(5, peer.request('/echo', 'POST')), peer.data(5, 'pad', { padding: 0 }), peer.data(5, 'ded', { padding: 255, endStream: true }));
    expect((await peer.expectResponseComplete(1)).body.toString()).toBe('single');
    expect((await peer.expectResponseComplete(3)).body.toString()).toBe('one,two,three');
    expect((await peer.expectResponseComplete(5)).body.toString()).toBe('padded');
  });

  itWith(target, 'echo')('"The entire DATA frame payload is included in flow control, including the Pad Length and Padding fields if present": padding is credited back', async () => {
    const peer = await connect();
    // 70 frames of 1 octet + 254 padding = 70 × 256 = 17920 octets of window: far more than the content.
    peer.send(peer.headers(1, peer.request('/echo', 'POST')), ...Array.from({ length: 70 }, () => peer.data(1, 'x', { padding: 254 })));
    // 300 more such frames overflow the 65535-octet windows unless the server credits the padding back.
    for (let i = 0; i < 3; i++) peer.send(...Array.from({ length: 100 }, () => peer.data(1, 'x', { padding: 254 })));
    peer.send(peer.data(1, '', { endStream: true }));
    expect((await peer.expectResponseComplete(1)).body.toString()).toBe('x'.repeat(370));
    await peer.expectHealthyNoReset();
  });

  itWith(target, 'echo')('"END_STREAM … signals that this frame is the last that the endpoint will send for the identified stream": an empty DATA with END_STREAM ends the request', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/echo', 'POST')), peer.data(1, 'body'), peer.data(1, '', { endStream: true }));
    expect((await peer.expectResponseComplete(1)).body.toString()).toBe('body');
  });

  it('empty DATA frames without END_STREAM carry nothing and cost work: more than 100 of them are a connection ENHANCE_YOUR_CALM naming the limit (SECURITY #4, CVE-2019-9518)', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/echo', 'POST')), ...Array.from({ length: 101 }, () => peer.data(1, '')));
    const goaway = await peer.expectGoaway(ErrorCode.ENHANCE_YOUR_CALM, 1);
    expect(Buffer.from(goaway.debugData).toString()).toMatch(/maxEmptyDataFrames/);
  });

  describe('while the server is busy responding', () => {
    it('DATA with invalid padding on a stream in flight: connection PROTOCOL_ERROR', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1]);
      peer.send(peer.headers(3, peer.request('/echo', 'POST')));
      peer.sendBytes(rawFrame(FrameType.DATA, Flag.PADDED, 3, [10, 1, 2]));
      await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 3);
    });

    it('DATA on stream 0 while responses are in flight: connection PROTOCOL_ERROR', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1, 3]);
      peer.sendBytes(rawFrame(FrameType.DATA, 0, 0, [1]));
      await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 3);
    });

    itWith(target, 'echo')('an echo whose request body arrives while the server is blocked on our window: both directions complete', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1]);
      peer.send(peer.headers(3, peer.request('/echo', 'POST')), peer.data(3, 'a'.repeat(3000)), peer.data(3, 'b'.repeat(3000), { endStream: true }));
      // Our 4096-octet window holds the echo back too; release everything.
      await finishBusy(peer, [1]);
      peer.send(peer.windowUpdate(3, 1 << 20));
      expect((await peer.expectResponseComplete(3)).body.toString()).toBe('a'.repeat(3000) + 'b'.repeat(3000));
    });
  });
});
