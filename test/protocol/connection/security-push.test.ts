/**
 * SECURITY.md row 19: push and reserved streams on the client.
 */
import { encodeFrame, type Frame } from '../../../src/protocol/frames';
import { SettingId } from '../../../src/protocol/settings';
import { countTypes, ErrorCode, RawPeer, REQUEST } from './helpers';

function promise(peer: RawPeer, promisedStreamId: number): Frame {
  return { type: 5, streamId: 1, promisedStreamId, headerBlock: peer.hpack.encode(REQUEST), endHeaders: true };
}

describe('SECURITY #19: push and reserved streams (client)', () => {
  it('ENABLE_PUSH = 0: the first PUSH_PROMISE is a connection PROTOCOL_ERROR', () => {
    const peer = new RawPeer('client', { settings: [[SettingId.ENABLE_PUSH, 0]] });
    peer.handshake();
    peer.conn.request(REQUEST, { endStream: true });
    peer.out();
    const bytes = new Uint8Array(Buffer.concat(Array.from({ length: 10_000 }, (_, i) => Buffer.from(encodeFrame(promise(peer, 2 + 2 * i))))));
    peer.bytes(bytes);
    expect(peer.outSummary()).toEqual(['GOAWAY:0:1']);
    expect(peer.rec.pushes).toEqual([]);
  });

  it('push enabled, 10^4 PUSH_PROMISEs: at most maxReservedRemoteStreams (200) reserved, the rest cancelled', () => {
    const peer = new RawPeer('client');
    peer.handshake();
    peer.conn.request(REQUEST, { endStream: true });
    peer.out();
    let rst = 0;
    for (let i = 0; i < 10_000; i++) {
      peer.send(promise(peer, 2 + 2 * i));
      if (i % 100 === 99) rst += countTypes(peer.out()).RST_STREAM ?? 0;
    }
    expect(peer.rec.pushes.length).toBe(200);
    expect(peer.conn.counters.reservedRemoteStreams).toBe(200);
    expect(rst).toBe(9800);
    expect(peer.conn.failed).toBe(false);
    expect(peer.conn.counters.memory).toBeLessThan(200 * 1000 + 50_000);
  });

  it('unread, the cancellations hit the control-frame cap instead of growing the output', () => {
    const peer = new RawPeer('client');
    peer.handshake();
    peer.conn.request(REQUEST, { endStream: true });
    peer.out();
    for (let i = 0; i < 10_000 && !peer.conn.failed; i++) peer.send(promise(peer, 2 + 2 * i));
    expect(peer.rec.errors[0]).toMatchObject({ code: ErrorCode.ENHANCE_YOUR_CALM, limit: 'maxOutboundControlFrames' });
    expect(countTypes(peer.out())).toEqual({ RST_STREAM: 1000, GOAWAY: 1 });
  });
});
