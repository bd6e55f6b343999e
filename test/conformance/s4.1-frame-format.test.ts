/**
 * RFC 9113 §4.1 frame format (h2spec http2/4.1): unknown types, undefined
 * flags and the reserved bit are ignored.
 */
import { Flag, FrameType, rawFrame, RawPeer } from './raw-peer';
import { describeTargets, SMALL_BODY, itWith } from './targets';

describeTargets('RFC 9113 §4.1 frame format', (server, target) => {
  const connect = () => RawPeer.connect(server().port);

  it('"Implementations MUST ignore and discard frames of unknown types" (h2spec 4.1/1)', async () => {
    const peer = await connect();
    peer.sendBytes(rawFrame(0xfa, 0x00, 0, [1, 2, 3, 4]), rawFrame(0xfb, 0xff, 3, [9, 9]));
    await peer.expectHealthyNoReset();
    peer.send(peer.headers(3, peer.request('/'), { endStream: true }));
    expect((await peer.expectResponseComplete(3)).body.toString()).toBe(SMALL_BODY);
  });

  it('"Flags that have no defined semantics for a particular frame type MUST be ignored": a PING with every flag but ACK set is answered (h2spec 4.1/2)', async () => {
    const peer = await connect();
    const payload = [1, 2, 3, 4, 5, 6, 7, 8];
    peer.sendBytes(rawFrame(FrameType.PING, 0xfe, 0, payload));
    const ack = await peer.expectFrame((f) => f.unknown !== true && f.type === FrameType.PING, 'PING ACK');
    expect(ack).toMatchObject({ ack: true, streamId: 0 });
    if (ack.unknown !== true && ack.type === FrameType.PING) expect([...ack.payload]).toEqual(payload);
  });

  itWith(target, 'echo')('undefined flags on HEADERS and DATA are ignored (request still served)', async () => {
    const peer = await connect();
    const block = peer.hpack.encode(peer.request('/echo', 'POST'));
    peer.sendBytes(
      rawFrame(FrameType.HEADERS, Flag.END_HEADERS | 0x02 | 0x10 | 0x40 | 0x80, 1, block),
      rawFrame(FrameType.DATA, Flag.END_STREAM | 0x02 | 0x04 | 0x10 | 0x20 | 0x40 | 0x80, 1, [...Buffer.from('abc')]),
    );
    const res = await peer.expectResponseComplete(1);
    expect(res.body.toString()).toBe('abc');
  });

  it('undefined flags on PRIORITY, RST_STREAM, WINDOW_UPDATE and SETTINGS are ignored', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/echo', 'POST')), peer.headers(3, peer.request('/echo', 'POST')));
    peer.sendBytes(
      rawFrame(FrameType.PRIORITY, 0xff, 1, [0, 0, 0, 0, 16]),
      rawFrame(FrameType.WINDOW_UPDATE, 0xff, 1, [0, 0, 0x10, 0]),
      rawFrame(FrameType.WINDOW_UPDATE, 0xff, 0, [0, 0, 0x10, 0]),
      rawFrame(FrameType.RST_STREAM, 0xff, 3, [0, 0, 0, 8]),
      rawFrame(FrameType.SETTINGS, 0xfe, 0, []),
    );
    await peer.expectFrame((f) => f.unknown !== true && f.type === FrameType.SETTINGS && f.ack, 'the ACK of a SETTINGS frame with undefined flags');
    peer.send(peer.data(1, 'fine', { endStream: true }));
    await peer.expectResponseComplete(1);
    await peer.expectHealthyNoReset();
  });

  it('"Reserved: A reserved 1-bit field … MUST remain unset (0x00) when sending and MUST be ignored when receiving" (h2spec 4.1/3)', async () => {
    const peer = await connect();
    const block = peer.hpack.encode(peer.request('/'));
    peer.sendBytes(rawFrame(FrameType.HEADERS, Flag.END_HEADERS | Flag.END_STREAM, 0x80000001, block));
    const res = await peer.expectResponseComplete(1);
    expect(res.status).toBe('200');
    await peer.expectHealthyNoReset();
  });

  it('the reserved bit of the server\'s own frames is unset', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/'), { endStream: true }));
    await peer.expectResponseComplete(1);
    await peer.expectHealthy();
    // Walk the raw frame headers of everything received.
    const bytes = Buffer.concat(peer.received);
    let frames = 0;
    for (let pos = 0; pos + 9 <= bytes.length; ) {
      expect(bytes[pos + 5]! & 0x80).toBe(0);
      pos += 9 + ((bytes[pos]! << 16) | (bytes[pos + 1]! << 8) | bytes[pos + 2]!);
      frames++;
    }
    expect(frames).toBe(peer.frames.length);
  });
});
