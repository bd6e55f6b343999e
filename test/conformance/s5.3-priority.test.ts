/**
 * RFC 9113 §5.3 prioritization (h2spec http2/5.3.1, generic/3.3): the
 * RFC 7540 scheme is deprecated and the server keeps no tree, but a
 * self-dependency is still a stream error, and priority signals never break
 * anything.
 */
import { ErrorCode, Flag, FrameType, rawFrame, RawPeer } from './raw-peer';
import { BUSY, describeTargets, finishBusy, SMALL_BODY, startBusy } from './targets';

describeTargets('RFC 9113 §5.3 priority', (server) => {
  const connect = () => RawPeer.connect(server().port);

  it('"A stream cannot depend on itself. An endpoint MUST treat this as a stream error of type PROTOCOL_ERROR" (RFC 7540 §5.3.1): HEADERS (h2spec 5.3.1/1)', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/'), { endStream: true, priority: { dependsOn: 1, exclusive: false, weight: 16 } }));
    await peer.expectRst(1, ErrorCode.PROTOCOL_ERROR);
    await peer.expectHealthy();
    expect(peer.framesOn(1).map((f) => f.type)).toEqual([FrameType.RST_STREAM]);
    // The rejected block was decoded: our encoder's next block refers to it.
    peer.send(peer.headers(3, peer.request('/'), { endStream: true }));
    expect((await peer.expectResponseComplete(3)).body.toString()).toBe(SMALL_BODY);
  });

  it('"… MUST treat this as a stream error of type PROTOCOL_ERROR" (RFC 7540 §5.3.1): PRIORITY on an open stream (h2spec 5.3.1/2)', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/echo', 'POST')));
    await peer.expectResponse(1);
    peer.send(peer.priority(1, { dependsOn: 1, exclusive: false, weight: 255 }));
    await peer.expectRst(1, ErrorCode.PROTOCOL_ERROR);
    await peer.expectHealthy();
  });

  it('a self-dependent PRIORITY on an idle stream: an error, but never a RST_STREAM for an idle stream (§6.4) — a connection PROTOCOL_ERROR', async () => {
    const peer = await connect();
    peer.send(peer.priority(1, { dependsOn: 1, exclusive: false, weight: 255 }));
    await peer.expectGoaway(ErrorCode.PROTOCOL_ERROR, 0);
  });

  it.each([
    ['weight 1', { dependsOn: 0, exclusive: false, weight: 1 }],
    ['weight 256', { dependsOn: 0, exclusive: false, weight: 256 }],
    ['the exclusive flag', { dependsOn: 0, exclusive: true, weight: 16 }],
    ['a dependency on another (idle) stream', { dependsOn: 99, exclusive: false, weight: 16 }],
    ['a dependency on a closed stream', { dependsOn: 1, exclusive: true, weight: 100 }],
  ])('a request whose HEADERS carry priority with %s is served (generic 3.2.4, 3.3)', async (_n, priority) => {
    const peer = await connect();
    peer.send(peer.headers(1, peer.request('/'), { endStream: true }));
    await peer.expectResponseComplete(1);
    peer.send(peer.headers(3, peer.request('/'), { endStream: true, priority }), peer.priority(5, priority));
    expect((await peer.expectResponseComplete(3)).body.toString()).toBe(SMALL_BODY);
    await peer.expectHealthyNoReset();
  });

  it('"Priority signals … can be sent … in any state": a flood of PRIORITY frames over many streams costs nothing and changes nothing (SECURITY #12)', async () => {
    const peer = await connect();
    const frames = Array.from({ length: 2000 }, (_, i) => rawFrame(FrameType.PRIORITY, 0, 2 * (i % 100) + 1, [0, 0, 0, 2 * ((i + 1) % 100) + 1, i & 0xff]));
    peer.sendBytes(...frames);
    await peer.expectHealthyNoReset();
    peer.send(peer.headers(301, peer.request('/'), { endStream: true }));
    expect((await peer.expectResponseComplete(301)).status).toBe('200');
    void Flag;
  });

  describe('while the server is busy responding', () => {
    it('a self-dependent PRIORITY on a stream whose response is in flight: stream PROTOCOL_ERROR; the other stream completes', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1, 3]);
      peer.send(peer.priority(1, { dependsOn: 1, exclusive: false, weight: 16 }));
      await peer.expectRst(1, ErrorCode.PROTOCOL_ERROR);
      await finishBusy(peer, [3]);
    });

    it('reprioritizing streams in flight changes nothing visible: both complete', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1, 3]);
      peer.send(peer.priority(3, { dependsOn: 1, exclusive: true, weight: 256 }), peer.priority(1, { dependsOn: 3, exclusive: false, weight: 1 }));
      await peer.expectHealthyNoReset();
      await finishBusy(peer, [1, 3]);
    });
  });
});
