/**
 * RFC 9113 §8.5 the CONNECT method, and RFC 8441 extended CONNECT.
 */
import { ErrorCode, type Fields, RawPeer } from './raw-peer';
import { BUSY, describeTargets, finishBusy, startBusy } from './targets';

describeTargets('RFC 9113 §8.5 CONNECT', (server) => {
  const connect = () => RawPeer.connect(server().port);
  const rejected = async (fields: Fields): Promise<void> => {
    const peer = await connect();
    peer.send(peer.headers(1, fields));
    await peer.expectRst(1, ErrorCode.PROTOCOL_ERROR);
    await peer.expectHealthy();
  };

  it('"The :scheme and :path pseudo-header fields MUST be omitted": a CONNECT with :path is malformed', () =>
    rejected([[':method', 'CONNECT'], [':authority', 'example.com:443'], [':path', '/']]));

  it('"… MUST be omitted": a CONNECT with :scheme is malformed', () => rejected([[':method', 'CONNECT'], [':scheme', 'https'], [':authority', 'example.com:443']]));

  it('"The :authority pseudo-header field contains the host and port to connect to": a CONNECT without :authority is malformed', () => rejected([[':method', 'CONNECT']]));

  it('"A CONNECT request that does not conform to these restrictions is malformed": :protocol without SETTINGS_ENABLE_CONNECT_PROTOCOL from the server (RFC 8441 §4)', async () => {
    const peer = await connect();
    if (peer.serverSetting(8) === 1) return; // the server does allow extended CONNECT: not this case
    peer.send(peer.headers(1, [[':method', 'CONNECT'], [':protocol', 'websocket'], [':scheme', 'http'], [':authority', peer.authority], [':path', '/chat']]));
    await peer.expectRst(1, ErrorCode.PROTOCOL_ERROR);
    await peer.expectHealthy();
  });

  it('a well-formed CONNECT (only :method and :authority) opens a stream: the server answers it on that stream, without a stream error', async () => {
    const peer = await connect();
    peer.send(peer.headers(1, [[':method', 'CONNECT'], [':authority', 'example.com:443']]));
    const fields = await peer.expectResponse(1);
    expect(fields.find(([n]) => n === ':status')?.[1]).toMatch(/^[2-5]\d\d$/);
    await peer.expectHealthy();
    peer.send(peer.rst(1, ErrorCode.CANCEL));
    await peer.expectHealthy();
  });

  describe('while the server is busy responding', () => {
    it('a malformed CONNECT while responses are in flight resets only its stream', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1]);
      peer.send(peer.headers(3, [[':method', 'CONNECT'], [':authority', 'example.com:443'], [':path', '/']]));
      await peer.expectRst(3, ErrorCode.PROTOCOL_ERROR);
      await finishBusy(peer, [1]);
    });
  });
});
