/**
 * RFC 9113 §3.4 HTTP/2 connection preface (h2spec http2/3.5), end to end.
 */
import { CLIENT_PREFACE, encodeFrame } from '../../src/protocol/frames';
import { ErrorCode, FrameType, RawPeer } from './raw-peer';
import { describeTargets, SMALL_BODY } from './targets';

describeTargets('RFC 9113 §3.4 connection preface', (server) => {
  it('"the server connection preface consists of a potentially empty SETTINGS frame that MUST be the first frame the server sends"; "SETTINGS frames received from a peer as part of the connection preface MUST be acknowledged" (h2spec 3.5/1)', async () => {
    const peer = await RawPeer.connect(server().port, { handshake: false });
    peer.sendBytes(CLIENT_PREFACE, encodeFrame(peer.settings([])));
    const first = await peer.expectFrame(() => true, 'the first frame');
    expect(first).toMatchObject({ type: FrameType.SETTINGS, streamId: 0, ack: false });
    await peer.expectFrame((f) => f.unknown !== true && f.type === FrameType.SETTINGS && f.ack, 'SETTINGS ACK');
    peer.send(peer.settings([], true));
    await peer.expectHealthyNoReset();
  });

  it('"clients are permitted to send additional frames to the server immediately after sending the client connection preface, without waiting to receive the server connection preface"', async () => {
    const peer = await RawPeer.connect(server().port, { handshake: false });
    peer.send(CLIENT_PREFACE, peer.settings([]), peer.headers(1, peer.request('/'), { endStream: true }), peer.settings([], true));
    const res = await peer.expectResponseComplete(1);
    expect(res.status).toBe('200');
    expect(res.body.toString()).toBe(SMALL_BODY);
    await peer.expectHealthyNoReset();
  });

  it('"clients and servers MUST treat an invalid connection preface as a connection error of type PROTOCOL_ERROR" (h2spec 3.5/2)', async () => {
    const peer = await RawPeer.connect(server().port, { handshake: false });
    peer.sendBytes(Buffer.from('INVALID CONNECTION PREFACE\r\n\r\n'));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 0);
  });

  it('an HTTP/1.1 request line instead of the preface is a connection PROTOCOL_ERROR that says so in the debug data', async () => {
    const peer = await RawPeer.connect(server().port, { handshake: false });
    peer.sendBytes(Buffer.from('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'));
    const goaway = await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 0);
    expect(Buffer.from(goaway.debugData).toString()).toMatch(/HTTP\/1/);
  });

  it('"that [client preface] sequence MUST be followed by a SETTINGS frame": a PING first is a connection PROTOCOL_ERROR', async () => {
    const peer = await RawPeer.connect(server().port, { handshake: false });
    peer.send(CLIENT_PREFACE, peer.ping());
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 0);
  });

  it('"… MUST be followed by a SETTINGS frame": a SETTINGS ACK first is a connection PROTOCOL_ERROR', async () => {
    const peer = await RawPeer.connect(server().port, { handshake: false });
    peer.send(CLIENT_PREFACE, peer.settings([], true));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 0);
  });

  it('"… MUST be followed by a SETTINGS frame": a request first is a connection PROTOCOL_ERROR, and no stream is processed', async () => {
    const peer = await RawPeer.connect(server().port, { handshake: false });
    peer.send(CLIENT_PREFACE, peer.headers(1, peer.request('/'), { endStream: true }));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 0);
    expect(peer.framesOn(1)).toEqual([]);
  });

  it('a preface written one octet at a time is still a preface', async () => {
    const peer = await RawPeer.connect(server().port, { handshake: false });
    for (const b of CLIENT_PREFACE) peer.sendBytes(Uint8Array.of(b));
    peer.send(peer.settings([]));
    await peer.expectFrame((f) => f.unknown !== true && f.type === FrameType.SETTINGS && f.ack, 'SETTINGS ACK');
    peer.send(peer.settings([], true));
    await peer.expectHealthyNoReset();
  });
});
