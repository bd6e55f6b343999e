/**
 * RFC 9113 §6.7 PING (h2spec http2/6.7, generic/3.7).
 */
import { ErrorCode, Flag, type Frame, FrameType, rawFrame, RawPeer } from './raw-peer';
import { BUSY, describeTargets, finishBusy, LARGE_SIZE, startBusy } from './targets';

const isPingAck = (f: Frame) => f.unknown !== true && f.type === FrameType.PING && f.ack;

describeTargets('RFC 9113 §6.7 PING', (server) => {
  const connect = () => RawPeer.connect(server().port);

  it('"Receivers of a PING frame that does not include an ACK flag MUST send a PING frame with the ACK flag set in response, with an identical frame payload" (h2spec 6.7/1)', async () => {
    const peer = await connect();
    const payload = Uint8Array.from([0x68, 0x32, 0x73, 0x70, 0x65, 0x63, 0x00, 0xff]);
    peer.send(peer.ping(payload));
    const ack = await peer.expectFrame(isPingAck, 'PING ACK');
    expect(ack).toMatchObject({ streamId: 0, ack: true });
    if (ack.unknown !== true && ack.type === FrameType.PING) expect([...ack.payload]).toEqual([...payload]);
  });

  it('"An endpoint MUST NOT respond to PING frames containing this [ACK] flag" (h2spec 6.7/2)', async () => {
    const peer = await connect();
    peer.send(peer.ping(new Uint8Array(8).fill(7), true));
    await peer.expectHealthyNoReset();
    expect(peer.frames.filter(isPingAck)).toHaveLength(1); // the one answering expectHealthy's PING
  });

  it('"If a PING frame is received with a Stream Identifier field value other than 0x00, the recipient MUST respond with a connection error of type PROTOCOL_ERROR" (h2spec 6.7/3)', async () => {
    const peer = await connect();
    peer.sendBytes(rawFrame(FrameType.PING, 0, 1, new Uint8Array(8)));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 0);
  });

  it('"Receipt of a PING frame with a length field value other than 8 MUST be treated as a connection error of type FRAME_SIZE_ERROR" (h2spec 6.7/4)', async () => {
    const peer = await connect();
    peer.sendBytes(rawFrame(FrameType.PING, 0, 0, new Uint8Array(9)));
    await peer.expectGoaway(ErrorCode.FRAME_SIZE_ERROR, 0);
  });

  it('… an ACK of the wrong length is a FRAME_SIZE_ERROR too', async () => {
    const peer = await connect();
    peer.sendBytes(rawFrame(FrameType.PING, Flag.ACK, 0, new Uint8Array(4)));
    await peer.expectGoaway(ErrorCode.FRAME_SIZE_ERROR, 0);
  });

  it('many PINGs in one write are each answered, in order', async () => {
    const peer = await connect();
    const payloads = Array.from({ length: 50 }, (_, i) => Uint8Array.from([0, 0, 0, 0, 0, 0, 0, i]));
    peer.send(...payloads.map((p) => peer.ping(p)));
    for (const p of payloads) {
      const ack = await peer.expectFrame(isPingAck, `PING ACK ${p[7]}`);
      if (ack.unknown !== true && ack.type === FrameType.PING) expect(ack.payload[7]).toBe(p[7]);
    }
  });

  describe('while the server is busy responding', () => {
    it('a PING is answered while the server is blocked on our windows', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1, 3]);
      await peer.expectHealthyNoReset();
      await finishBusy(peer, [1, 3]);
    });

    it('"PING responses SHOULD be given higher priority than any other frame": the ACK of a PING sent with a large request comes before the end of its response', async () => {
      const peer = await connect();
      peer.send(peer.windowUpdate(0, LARGE_SIZE), peer.headers(1, peer.request('/large'), { endStream: true }), peer.ping(new Uint8Array(8).fill(9)));
      const res = await peer.expectResponseComplete(1);
      expect(res.body.length).toBe(LARGE_SIZE);
      const ackAt = peer.frames.findIndex(isPingAck);
      const endAt = peer.frames.findIndex((f) => f.unknown !== true && f.type === FrameType.DATA && f.streamId === 1 && f.endStream);
      expect(ackAt).toBeGreaterThan(-1);
      expect(ackAt).toBeLessThan(endAt);
    });

    it('an invalid PING with responses in flight: connection FRAME_SIZE_ERROR naming the highest stream', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1, 3]);
      peer.sendBytes(rawFrame(FrameType.PING, 0, 0, new Uint8Array(7)));
      await peer.expectGoaway(ErrorCode.FRAME_SIZE_ERROR, 3);
    });
  });
});
