/**
 * RFC 9113 §5.1.2 stream concurrency (h2spec http2/5.1.2): the server
 * announces SETTINGS_MAX_CONCURRENT_STREAMS and refuses streams beyond it.
 * Streams are kept open by a small flow-control window on large responses.
 */
import { ErrorCode, RawPeer, SettingId } from './raw-peer';
import { BUSY, describeTargets, finishBusy, startBusy } from './targets';

describeTargets('RFC 9113 §5.1.2 stream concurrency', (server) => {
  /** The server's limit, or undefined (then the case does not apply, as in h2spec). */
  const limitOf = (peer: RawPeer): number | undefined => {
    const v = peer.serverSetting(SettingId.MAX_CONCURRENT_STREAMS);
    if (v === undefined || v > 1000) {
      process.stderr.write('[conformance] §5.1.2: the server announces no (small enough) SETTINGS_MAX_CONCURRENT_STREAMS; case not applicable\n');
      return undefined;
    }
    return v;
  };
  const ids = (n: number, from = 1) => Array.from({ length: n }, (_, i) => from + 2 * i);

  it('"An endpoint that receives a HEADERS frame that causes its advertised concurrent stream limit to be exceeded MUST treat this as a stream error of type PROTOCOL_ERROR or REFUSED_STREAM" (h2spec 5.1.2/1)', async () => {
    const peer = await RawPeer.connect(server().port, { ...BUSY, settings: [[SettingId.INITIAL_WINDOW_SIZE, 0]] });
    const max = limitOf(peer);
    if (max === undefined) return;
    const open = ids(max);
    const over = 2 * max + 1;
    peer.send(...open.map((id) => peer.headers(id, peer.request('/large'), { endStream: true })), peer.headers(over, peer.request('/'), { endStream: true }));
    await peer.expectRst(over, ErrorCode.REFUSED_STREAM);
    await peer.expectHealthy();
    for (const id of open) expect(peer.framesOn(id).some((f) => f.unknown !== true && f.type === 3)).toBe(false);
    // Closing one stream makes room for exactly one more.
    peer.send(peer.rst(1, ErrorCode.CANCEL), peer.headers(over + 2, peer.request('/'), { endStream: true }), peer.headers(over + 4, peer.request('/'), { endStream: true }));
    // (its body waits for window: our INITIAL_WINDOW_SIZE is 0)
    expect(await peer.expectResponse(over + 2)).toContainEqual([':status', '200']);
    await peer.expectRst(over + 4, ErrorCode.REFUSED_STREAM);
  });

  it('"Streams that are in the open state or in either of the half-closed states count toward the maximum": streams that ended free their slot', async () => {
    const peer = await RawPeer.connect(server().port);
    const max = limitOf(peer);
    if (max === undefined) return;
    // 2 × max short requests in sequence of batches: each batch ends before the next starts.
    for (const batch of [ids(max, 1), ids(max, 2 * max + 1)]) {
      peer.send(...batch.map((id) => peer.headers(id, peer.request('/'), { endStream: true })));
      for (const id of batch) await peer.expectResponseComplete(id);
    }
    await peer.expectHealthyNoReset();
  });

  describe('while the server is busy responding', () => {
    it('the stream over the limit is refused while the limit is filled by responses in flight, and they all still complete', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      const max = limitOf(peer);
      if (max === undefined) return;
      const open = ids(max);
      await startBusy(peer, open.slice(0, 4));
      peer.send(...open.slice(4).map((id) => peer.headers(id, peer.request('/large'), { endStream: true })), peer.headers(2 * max + 1, peer.request('/'), { endStream: true }));
      await peer.expectRst(2 * max + 1, ErrorCode.REFUSED_STREAM);
      await finishBusy(peer, open.slice(0, 8));
    });
  });
});
