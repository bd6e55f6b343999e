/**
 * RFC 9113 §6.5 SETTINGS: validation of the peer's values, acknowledgement,
 * ordering, and ours taking effect on ACK (§6.5.3).
 */
import { CLIENT_PREFACE } from '../../../src/protocol/frames';
import { HpackEncoder } from '../../../src/protocol/hpack';
import { SettingId } from '../../../src/protocol/settings';
import { ErrorCode, POST, RawPeer, REQUEST } from './helpers';

function server(settings: Array<[number, number]> = []): RawPeer {
  const peer = new RawPeer('server', { settings });
  peer.handshake();
  return peer;
}

/** A server core that has the client's SETTINGS but whose own SETTINGS are not acknowledged yet. */
function serverUnacked(settings: Array<[number, number]>): RawPeer {
  const peer = new RawPeer('server', { settings });
  peer.bytes(CLIENT_PREFACE);
  peer.send(peer.settings([]));
  peer.out();
  return peer;
}

describe('§6.5.2 the peer\'s values', () => {
  it.each([
    ['ENABLE_PUSH = 2', SettingId.ENABLE_PUSH, 2, ErrorCode.PROTOCOL_ERROR],
    ['INITIAL_WINDOW_SIZE = 2^31', SettingId.INITIAL_WINDOW_SIZE, 2 ** 31, ErrorCode.FLOW_CONTROL_ERROR],
    ['MAX_FRAME_SIZE = 16383', SettingId.MAX_FRAME_SIZE, 16383, ErrorCode.PROTOCOL_ERROR],
    ['MAX_FRAME_SIZE = 2^24', SettingId.MAX_FRAME_SIZE, 2 ** 24, ErrorCode.PROTOCOL_ERROR],
    ['ENABLE_CONNECT_PROTOCOL = 2', SettingId.ENABLE_CONNECT_PROTOCOL, 2, ErrorCode.PROTOCOL_ERROR],
  ])('%s is a connection error', (_n, id, value, code) => {
    const peer = server();
    peer.send(peer.settings([[id, value]]));
    expect(peer.outSummary()).toEqual([`GOAWAY:0:${code}`]);
  });

  it('unknown settings are ignored (and kept for reporting)', () => {
    const peer = server();
    peer.send(peer.settings([[0x99, 7]]));
    expect(peer.outSummary()).toEqual(['SETTINGS:ACK']);
    expect(peer.conn.remoteSettings.custom.get(0x99)).toBe(7);
  });

  it('values are processed in order: the last one wins', () => {
    const peer = server();
    peer.send(peer.settings([[SettingId.INITIAL_WINDOW_SIZE, 100], [SettingId.INITIAL_WINDOW_SIZE, 200]]));
    expect(peer.conn.remoteSettings.initialWindowSize).toBe(200);
    expect(peer.rec.remote.at(-1)).toEqual([[4, 100], [4, 200]]);
  });

  it('a SETTINGS ACK with a payload is a FRAME_SIZE_ERROR; a length not a multiple of 6 too', () => {
    let peer = server();
    peer.bytes(new Uint8Array([0, 0, 6, 4, 1, 0, 0, 0, 0, 0, 3, 0, 0, 0, 1]));
    expect(peer.outSummary()).toEqual(['GOAWAY:0:6']);
    peer = server();
    peer.bytes(new Uint8Array([0, 0, 5, 4, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0]));
    expect(peer.outSummary()).toEqual(['GOAWAY:0:6']);
  });

  it('SETTINGS on a stream is a connection PROTOCOL_ERROR', () => {
    const peer = server();
    peer.bytes(new Uint8Array([0, 0, 0, 4, 0, 0, 0, 0, 1]));
    expect(peer.outSummary()).toEqual(['GOAWAY:0:1']);
  });

  it('an ACK we did not ask for is a connection PROTOCOL_ERROR', () => {
    const peer = server();
    peer.send(peer.settings([], true));
    expect(peer.outSummary()).toEqual(['GOAWAY:0:1']);
  });

  it('client: a server sending ENABLE_PUSH = 1 is a connection PROTOCOL_ERROR; 0 is fine', () => {
    let peer = new RawPeer('client');
    peer.out();
    peer.send(peer.settings([[SettingId.ENABLE_PUSH, 0]]));
    expect(peer.outSummary()).toEqual(['SETTINGS:ACK']);
    peer = new RawPeer('client');
    peer.out();
    peer.send(peer.settings([[SettingId.ENABLE_PUSH, 1]]));
    expect(peer.outSummary()).toEqual(['GOAWAY:0:1']);
  });

  it('§6.9.2: an INITIAL_WINDOW_SIZE change that overflows a stream window is a connection FLOW_CONTROL_ERROR', () => {
    const peer = server();
    peer.send(peer.headers(1, REQUEST, { endStream: true }));
    peer.send(peer.windowUpdate(1, 2 ** 31 - 1 - 65535));
    peer.send(peer.settings([[SettingId.INITIAL_WINDOW_SIZE, 65536]]));
    expect(peer.outSummary()).toEqual(['GOAWAY:1:3']);
  });

  it('a lower HEADER_TABLE_SIZE makes our next block start with a table size update (RFC 7541 §4.2)', () => {
    const peer = server();
    peer.send(peer.settings([[SettingId.HEADER_TABLE_SIZE, 0]]), peer.headers(1, REQUEST, { endStream: true }));
    peer.out();
    peer.conn.respond(peer.rec.headers[0]!.stream, [[':status', '200'], ['x-custom', 'value']], { endStream: true });
    const [h] = peer.out();
    expect(h!.unknown !== true && h!.type === 1 && h!.headerBlock[0]).toBe(0x20);
    expect(peer.conn.state.deflateDynamicTableSize).toBe(0);
  });
});

describe('§6.5.3 our settings take effect when acknowledged', () => {
  it('MAX_CONCURRENT_STREAMS: before the ACK the initial "unlimited" holds; after it, excess streams are refused', () => {
    const peer = serverUnacked([[SettingId.MAX_CONCURRENT_STREAMS, 1]]);
    peer.send(peer.headers(1, REQUEST), peer.headers(3, REQUEST));
    expect(peer.outSummary()).toEqual([]);
    peer.send(peer.settings([], true));
    peer.send(peer.headers(5, REQUEST));
    expect(peer.outSummary()).toEqual(['RST_STREAM:5:7']);
    expect(peer.rec.acked).toEqual([[[3, 1]]]);
  });

  it('MAX_FRAME_SIZE: an increase applies at once, a decrease on ACK', () => {
    const peer = serverUnacked([[SettingId.MAX_FRAME_SIZE, 32768]]);
    peer.send(peer.headers(1, POST), peer.data(1, 20000));
    expect(peer.rec.data.map((d) => d.data.length)).toEqual([20000]);
    peer.send(peer.settings([], true));
    peer.conn.settings([[SettingId.MAX_FRAME_SIZE, 16384]]);
    peer.send(peer.data(1, 20000));
    expect(peer.rec.data).toHaveLength(2);
    peer.out();
    peer.send(peer.settings([], true), peer.data(1, 20000));
    // DATA over the frame size is a stream FRAME_SIZE_ERROR (§4.2); the reset stream's unread 40000 octets are refunded,
    // and so are the 20000 of the dropped frame, which still counted against the connection window (§6.9).
    expect(peer.outSummary()).toEqual(['RST_STREAM:1:6', 'WINDOW_UPDATE:0:60000']);
  });

  it('HEADER_TABLE_SIZE: after a decrease is acknowledged, a block without the size update is a COMPRESSION_ERROR', () => {
    const peer = server();
    const enc = peer.hpack;
    peer.send(peer.headers(1, [...REQUEST, ['x-a', '1']], { endStream: true }));
    peer.conn.settings([[SettingId.HEADER_TABLE_SIZE, 0]]);
    peer.out();
    // Still unacknowledged: the old table is fine.
    peer.send(peer.rawHeaders(3, enc.encode(REQUEST), { endStream: true }));
    expect(peer.rec.headers).toHaveLength(2);
    peer.send(peer.settings([], true), peer.rawHeaders(5, enc.encode(REQUEST), { endStream: true }));
    expect(peer.outSummary()).toEqual(['GOAWAY:3:9']);
  });

  it('HEADER_TABLE_SIZE: a peer that follows the decrease goes on', () => {
    const peer = server();
    peer.conn.settings([[SettingId.HEADER_TABLE_SIZE, 0]]);
    peer.out();
    peer.send(peer.settings([], true));
    const enc = new HpackEncoder();
    enc.setMaxTableSize(0);
    // A fresh encoder at 4096 switched to 0: its block starts with the update.
    peer.send(peer.rawHeaders(1, enc.encode(REQUEST), { endStream: true }));
    expect(peer.rec.headers).toHaveLength(1);
  });

  it('INITIAL_WINDOW_SIZE: a decrease on ACK re-announces credit to a drained stream (no stall)', () => {
    const peer = server();
    peer.send(peer.headers(1, POST), peer.data(1, 10000));
    const s = peer.rec.headers[0]!.stream;
    // Read, but under half a window: no WINDOW_UPDATE yet (batching).
    peer.conn.consumed(s, 10000);
    expect(peer.outSummary()).toEqual([]);
    peer.conn.settings([[SettingId.INITIAL_WINDOW_SIZE, 1000]]);
    peer.out();
    // The peer applies it: its window is 55535 - 64535 = -9000, and it acknowledges.
    peer.send(peer.settings([], true));
    // Nothing left to read would ever trigger an update: the core announces the 10000 owed now.
    expect(peer.outSummary()).toEqual(['WINDOW_UPDATE:1:10000']);
    expect(s.localWindowSize).toBe(1000);
  });

});
