/**
 * The connection receive window (RFC 9113 §6.9.2, `connectionWindowSize`):
 * every connection starts at 65535 octets, which ten concurrent uploads
 * would share; the core announces 1 MiB by default right after its SETTINGS.
 * It is still backpressure (credited only as bodies are read), and a stream
 * that closes with its body unread gives its octets back to the connection.
 */
import { Connection, DEFAULT_CONNECTION_WINDOW_SIZE, type CoreStream } from '../../../src/protocol/connection';
import { SettingId } from '../../../src/protocol/settings';
import { POST, RawPeer, Recorder } from './helpers';

const MiB = 1 << 20;

describe('connectionWindowSize', () => {
  it.each(['server', 'client'] as const)('%s: by default 1 MiB, announced by a WINDOW_UPDATE right after our SETTINGS', (role) => {
    const peer = new RawPeer(role, { connectionWindowSize: undefined });
    expect(DEFAULT_CONNECTION_WINDOW_SIZE).toBe(MiB);
    expect(peer.outSummary()).toEqual(['SETTINGS:[]', `WINDOW_UPDATE:0:${MiB - 65535}`]);
    expect(peer.conn.state.localWindowSize).toBe(MiB);
    expect(peer.conn.state.effectiveLocalWindowSize).toBe(MiB);
  });

  it('65535 (the RFC initial window) sends no WINDOW_UPDATE', () => {
    const peer = new RawPeer('server', { connectionWindowSize: 65535 });
    expect(peer.outSummary()).toEqual(['SETTINGS:[]']);
    expect(peer.conn.state.localWindowSize).toBe(65535);
  });

  it('a smaller value takes effect as the peer uses up its initial 65535 octets (credit given cannot be taken back, §6.9.1)', () => {
    const peer = new RawPeer('server', { connectionWindowSize: 16384, settings: [[SettingId.INITIAL_WINDOW_SIZE, 1 << 20]] });
    peer.handshake();
    expect(peer.conn.state.localWindowSize).toBe(65535);
    peer.send(peer.headers(1, POST));
    for (let sent = 0; sent < 65535; sent += 16384) peer.send(peer.data(1, Math.min(16384, 65535 - sent)));
    peer.conn.consumed(peer.rec.headers[0]!.stream, 65535);
    // The stream (1 MiB window) owes less than its update threshold; the connection owes 16384.
    expect(peer.outSummary()).toEqual(['WINDOW_UPDATE:0:16384']);
    expect(peer.conn.state.localWindowSize).toBe(16384);
  });

  it('a larger value is announced as given', () => {
    const peer = new RawPeer('server', { connectionWindowSize: 4 * MiB });
    expect(peer.outSummary()).toEqual(['SETTINGS:[]', `WINDOW_UPDATE:0:${4 * MiB - 65535}`]);
  });

  it('a value above 2^31-1 is a user error at creation', () => {
    expect(() => new Connection({ role: 'server', connectionWindowSize: 2 ** 31 }, new Recorder())).toThrow(/window size must be an integer in \[0, 2\^31-1\]/);
  });

  it('is still backpressure: unread bodies may fill it across streams, one octet more is a connection FLOW_CONTROL_ERROR', () => {
    const peer = new RawPeer('server', { connectionWindowSize: undefined });
    peer.handshake();
    // 16 streams × 65535 = 1048560 octets, all within their stream windows and unread.
    for (let id = 1; id <= 31; id += 2) {
      peer.send(peer.headers(id, POST));
      for (let sent = 0; sent < 65535; sent += 16384) peer.send(peer.data(id, Math.min(16384, 65535 - sent)));
    }
    expect(peer.out()).toEqual([]);
    expect(peer.conn.state.localWindowSize).toBe(MiB - 16 * 65535);
    peer.send(peer.headers(33, POST), peer.data(33, MiB - 16 * 65535 + 1));
    // 3: FLOW_CONTROL_ERROR, connection scope (§6.9.1).
    expect(peer.outSummary()).toEqual(['GOAWAY:33:3']);
  });
});

describe('a stream closing with its body unread', () => {
  function closedWithUnread(size: number): { peer: RawPeer; stream: CoreStream } {
    // The RFC window, so that one request's body is past the update threshold (half the window).
    const peer = new RawPeer('server', { settings: [[SettingId.INITIAL_WINDOW_SIZE, 1 << 20]] });
    peer.handshake();
    peer.send(peer.headers(1, POST));
    for (let sent = 0; sent < size; sent += 16384) {
      const n = Math.min(16384, size - sent);
      peer.send(peer.data(1, n, { endStream: sent + n === size }));
    }
    const stream = peer.rec.headers[0]!.stream;
    expect(stream.bufferedBytes).toBe(size);
    expect(peer.out()).toEqual([]);
    return { peer, stream };
  }

  it('refunds them to the connection when the response ends the stream: later uploads are not starved', () => {
    const { peer, stream } = closedWithUnread(60_000);
    peer.conn.respond(stream, [[':status', '200']], { endStream: true });
    expect(stream.closed).toBe(true);
    const out = peer.outSummary();
    expect(out[0]).toBe('HEADERS:1:END');
    expect(out.slice(1)).toEqual(['WINDOW_UPDATE:0:60000']);
    expect(stream.bufferedBytes).toBe(0);
    expect(peer.conn.state.localWindowSize).toBe(65535);
    // Reading the body afterwards credits nothing twice.
    peer.conn.consumed(stream, 60_000);
    expect(peer.out()).toEqual([]);
    expect(peer.conn.state.localWindowSize).toBe(65535);
  });

  it('a body read before the stream closes is credited once, by the reads', () => {
    const { peer, stream } = closedWithUnread(60_000);
    peer.conn.consumed(stream, 60_000);
    expect(peer.outSummary()).toEqual(['WINDOW_UPDATE:0:60000']);
    peer.conn.respond(stream, [[':status', '200']], { endStream: true });
    expect(peer.outSummary().filter((f) => f.startsWith('WINDOW_UPDATE'))).toEqual([]);
    expect(peer.conn.state.localWindowSize).toBe(65535);
  });
});
