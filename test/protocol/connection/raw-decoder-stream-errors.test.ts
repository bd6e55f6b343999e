/**
 * Stream errors the frame decoder finds (oversize frames, bad PRIORITY
 * length, self-dependency, zero WINDOW_UPDATE increment) are answered by the
 * state of the stream they name, like any other frame on it:
 * - idle: a connection error — RFC 9113 §6.4 "RST_STREAM frames MUST NOT be
 *   sent for a stream in the idle state" (§5.4.1 allows the escalation);
 * - closed by our RST_STREAM: ignored — §5.1 "An endpoint MUST ignore frames
 *   that it receives on closed streams after it has sent a RST_STREAM frame";
 * - otherwise: RST_STREAM.
 * Found by the end-to-end conformance suite (test/conformance).
 */
import { ErrorCode, FrameType, RawPeer, REQUEST } from './helpers';

/** A frame's bytes exactly as given (any length). */
function raw(type: number, flags: number, streamId: number, payload: number[] | Uint8Array): Uint8Array {
  const p = Uint8Array.from(payload);
  const out = new Uint8Array(9 + p.length);
  out.set([p.length >>> 16, (p.length >>> 8) & 0xff, p.length & 0xff, type, flags, streamId >>> 24, (streamId >>> 16) & 0xff, (streamId >>> 8) & 0xff, streamId & 0xff]);
  out.set(p, 9);
  return out;
}

const badPriority = (id: number) => raw(FrameType.PRIORITY, 0, id, [0, 0, 0, 3]);
const selfPriority = (id: number) => raw(FrameType.PRIORITY, 0, id, [0, 0, 0, id, 15]);
const zeroWindowUpdate = (id: number) => raw(FrameType.WINDOW_UPDATE, 0, id, [0, 0, 0, 0]);
const oversizeData = (id: number) => raw(FrameType.DATA, 0, id, new Uint8Array(16385));

function server(): RawPeer {
  const peer = new RawPeer('server');
  peer.handshake();
  return peer;
}

describe('decoder stream errors on an idle stream are connection errors (§6.4: no RST_STREAM for an idle stream)', () => {
  it.each([
    ['a PRIORITY frame of 4 octets', badPriority, 'GOAWAY:0:6'],
    ['a self-dependent PRIORITY', selfPriority, 'GOAWAY:0:1'],
    ['a zero WINDOW_UPDATE increment', zeroWindowUpdate, 'GOAWAY:0:1'],
    ['a DATA frame over SETTINGS_MAX_FRAME_SIZE', oversizeData, 'GOAWAY:0:6'],
  ])('%s', (_name, make, goaway) => {
    const peer = server();
    peer.bytes(make(3));
    expect(peer.outSummary()).toEqual([goaway]);
    expect(peer.rec.errors[0]!.message).toMatch(/idle stream 3.*§6\.4/);
  });

  it('… also above the streams already opened', () => {
    const peer = server();
    peer.rec.onHeaders = (e) => peer.conn.respond(e.stream, [[':status', '204']], { endStream: true });
    peer.send(peer.headers(1, REQUEST, { endStream: true }));
    expect(peer.outSummary()).toEqual(['HEADERS:1:END']);
    peer.bytes(badPriority(5));
    expect(peer.outSummary()).toEqual(['GOAWAY:1:6']);
  });
});

describe('decoder stream errors on a stream we reset are ignored (§5.1 closed)', () => {
  it.each([
    ['a PRIORITY frame of 4 octets', badPriority],
    ['a self-dependent PRIORITY', selfPriority],
    ['a zero WINDOW_UPDATE increment', zeroWindowUpdate],
    ['a DATA frame over SETTINGS_MAX_FRAME_SIZE', oversizeData],
  ])('%s', (_name, make) => {
    const peer = server();
    peer.send(peer.headers(1, REQUEST));
    peer.bytes(zeroWindowUpdate(1));
    expect(peer.outSummary()).toEqual(['RST_STREAM:1:1']);
    peer.bytes(make(1));
    peer.send(peer.ping());
    expect(peer.outSummary()).toEqual(['PING:ACK']);
    expect(peer.conn.counters.invalidFrames).toBe(1);
  });
});

describe('decoder stream errors on other streams are still stream errors', () => {
  it('a PRIORITY frame of 4 octets on an open stream: RST_STREAM FRAME_SIZE_ERROR', () => {
    const peer = server();
    peer.send(peer.headers(1, REQUEST));
    peer.bytes(badPriority(1));
    expect(peer.outSummary()).toEqual(['RST_STREAM:1:6']);
  });

  it('a self-dependent HEADERS opening a stream: the stream is opened and reset (RST_STREAM PROTOCOL_ERROR), not a connection error', () => {
    const peer = server();
    peer.send(peer.headers(3, REQUEST, { endStream: true, priority: { dependsOn: 3, exclusive: false, weight: 16 } }));
    expect(peer.outSummary()).toEqual(['RST_STREAM:3:1']);
  });

  it('a zero WINDOW_UPDATE increment on a stream that ended: RST_STREAM PROTOCOL_ERROR', () => {
    const peer = server();
    peer.rec.onHeaders = (e) => peer.conn.respond(e.stream, [[':status', '204']], { endStream: true });
    peer.send(peer.headers(1, REQUEST, { endStream: true }));
    expect(peer.outSummary()).toEqual(['HEADERS:1:END']);
    peer.bytes(zeroWindowUpdate(1));
    expect(peer.outSummary()).toEqual(['RST_STREAM:1:1']);
  });

  void ErrorCode;
});
