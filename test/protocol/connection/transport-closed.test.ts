/**
 * `Connection.transportClosed()`: the socket is gone while streams are open.
 * Every stream closes (CANCEL, local) so that nothing above waits on it
 * forever; requests that never got a stream id are safe to retry; nothing
 * is framed; the connection is closed.
 */
import { H2Error } from '../../../src/protocol/h2-error';
import { SettingId } from '../../../src/protocol/settings';
import { ErrorCode, RawPeer, REQUEST } from './helpers';

describe('Connection.transportClosed()', () => {
  it('server: closes the open streams with CANCEL, frames nothing, and is closed after', () => {
    const peer = new RawPeer('server');
    peer.handshake();
    peer.send(peer.headers(1, REQUEST, { endStream: true }), peer.headers(3, REQUEST, { endStream: true }));
    const [a, b] = peer.rec.headers.map((h) => h.stream);
    peer.conn.respond(a!, [[':status', '200']]);
    peer.conn.write(a!, new Uint8Array(100_000));
    peer.out();
    peer.conn.transportClosed();
    expect(peer.rec.log.filter((l) => l.startsWith('closed'))).toEqual([`closed:1:${ErrorCode.CANCEL}:local`, `closed:3:${ErrorCode.CANCEL}:local`]);
    expect(a!.closed && b!.closed).toBe(true);
    expect(a!.queuedBytes).toBe(0);
    expect(peer.conn.closed).toBe(true);
    expect(peer.conn.takeOutput()).toBeUndefined();
    expect(peer.rec.goaways).toEqual([]);
    expect(peer.rec.errors).toEqual([]);
    // Idempotent.
    peer.conn.transportClosed();
    expect(peer.rec.closed).toHaveLength(2);
  });

  it('client: a request sent is not retryable; one still waiting for a stream slot is', () => {
    const peer = new RawPeer('client');
    peer.handshake([[SettingId.MAX_CONCURRENT_STREAMS, 1]]);
    const sent = peer.conn.request(REQUEST, { endStream: true });
    const waiting = peer.conn.request(REQUEST, { endStream: true });
    expect(sent.id).toBe(1);
    expect(waiting.id).toBe(0);
    peer.conn.transportClosed();
    expect(peer.rec.closed.map((c) => [c.stream.id, c.code, c.initiator, c.stream.retryable])).toEqual([
      [1, ErrorCode.CANCEL, 'local', false],
      [0, ErrorCode.CANCEL, 'local', true],
    ]);
    expect(peer.conn.closed).toBe(true);
    // A request made after: never sent, so safe to retry on a new connection.
    expect(() => peer.conn.request(REQUEST, { endStream: true })).toThrow(expect.objectContaining({ kind: 'user', code: ErrorCode.REFUSED_STREAM, retryable: true }));
  });

  it('with a cause (the socket failed): each stream closed carries it as its error, and it is reported once', () => {
    const peer = new RawPeer('client');
    peer.handshake();
    const a = peer.conn.request(REQUEST, { endStream: true });
    const b = peer.conn.request(REQUEST, { endStream: true });
    const cause = new H2Error('the connection failed: read ECONNRESET', { kind: 'io', code: ErrorCode.CANCEL, scope: 'connection' });
    peer.conn.transportClosed(cause);
    expect([a.error, b.error]).toEqual([cause, cause]);
    expect(peer.rec.closed.map((c) => c.code)).toEqual([ErrorCode.CANCEL, ErrorCode.CANCEL]);
    expect(peer.rec.errors).toEqual([cause]);
  });
});
