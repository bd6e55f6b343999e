/**
 * RFC 9113 §7 error codes (h2spec http2/7): "Unknown or unsupported error
 * codes MUST NOT trigger any special behavior."
 */
import { ErrorCode, RawPeer } from './raw-peer';
import { BUSY, describeTargets, finishBusy, SMALL_BODY, startBusy } from './targets';

describeTargets('RFC 9113 §7 error codes', (server) => {
  it('"Unknown or unsupported error codes MUST NOT trigger any special behavior": GOAWAY with an unknown code, sent with responses in flight — they complete, then the connection closes (h2spec 7/1)', async () => {
    const peer = await RawPeer.connect(server().port, BUSY);
    await startBusy(peer, [1, 3]);
    peer.send(peer.goaway(3, 0xff));
    await finishBusy(peer, [1, 3]);
    await peer.expectEnd();
  });

  it('"… MUST NOT trigger any special behavior": RST_STREAM with an unknown code closes the stream like any other; nothing else changes (h2spec 7/2)', async () => {
    const peer = await RawPeer.connect(server().port);
    peer.send(peer.headers(1, peer.request('/echo', 'POST')), peer.rst(1, 0xff));
    await peer.expectHealthyNoReset();
    peer.send(peer.headers(3, peer.request('/'), { endStream: true }));
    expect((await peer.expectResponseComplete(3)).body.toString()).toBe(SMALL_BODY);
  });

  it('… every known code in RST_STREAM is accepted the same way (NO_ERROR … HTTP_1_1_REQUIRED)', async () => {
    const peer = await RawPeer.connect(server().port);
    const codes = Object.values(ErrorCode);
    peer.send(...codes.flatMap((code, i) => [peer.headers(2 * i + 1, peer.request('/echo', 'POST')), peer.rst(2 * i + 1, code)]));
    await peer.expectHealthyNoReset();
  });
});
