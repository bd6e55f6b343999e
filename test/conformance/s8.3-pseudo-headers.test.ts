/**
 * RFC 9113 §8.3 HTTP control data: pseudo-header fields (h2spec http2/8.1.2.1,
 * 8.1.2.3). A request that breaks a rule is malformed: stream PROTOCOL_ERROR.
 */
import { ErrorCode, type Fields, RawPeer } from './raw-peer';
import { BUSY, describeTargets, finishBusy, SMALL_BODY, startBusy } from './targets';

describeTargets('RFC 9113 §8.3 pseudo-header fields', (server) => {
  const connect = () => RawPeer.connect(server().port);
  const rejected = async (fields: (authority: string) => Fields): Promise<void> => {
    const peer = await connect();
    peer.send(peer.headers(1, fields(peer.authority), { endStream: true }));
    await peer.expectRst(1, ErrorCode.PROTOCOL_ERROR);
    await peer.expectHealthy();
    // The context is intact: a good request is served next.
    peer.send(peer.headers(3, peer.request('/'), { endStream: true }));
    expect((await peer.expectResponseComplete(3)).body.toString()).toBe(SMALL_BODY);
  };
  const get = (a: string): Fields => [[':method', 'GET'], [':scheme', 'http'], [':authority', a], [':path', '/']];

  describe('§8.3 general rules (h2spec 8.1.2.1)', () => {
    it('"Endpoints MUST treat a request or response that contains undefined or invalid pseudo-header fields as malformed": :foo (h2spec 8.1.2.1/1)', () =>
      rejected((a) => [...get(a), [':foo', 'bar']]));

    it('"Pseudo-header fields defined for responses MUST NOT appear in requests": :status (h2spec 8.1.2.1/2)', () =>
      rejected((a) => [...get(a), [':status', '200']]));

    it('"Pseudo-header fields MUST NOT appear in a trailer section" (h2spec 8.1.2.1/3)', async () => {
      const peer = await connect();
      peer.send(peer.headers(1, peer.request('/echo', 'POST')), peer.data(1, 'x'), peer.headers(1, [[':method', 'POST'], ['x-t', '1']], { endStream: true }));
      await peer.expectRst(1, ErrorCode.PROTOCOL_ERROR);
      await peer.expectHealthy();
    });

    it('"All pseudo-header fields MUST appear in a field block before all regular field lines" (h2spec 8.1.2.1/4)', () =>
      rejected((a) => [[':method', 'GET'], [':scheme', 'http'], ['x-regular', '1'], [':authority', a], [':path', '/']]));
  });

  describe('§8.3.1 request pseudo-header fields (h2spec 8.1.2.3)', () => {
    it('"This pseudo-header field [:path] MUST NOT be empty for http or https URIs" (h2spec 8.1.2.3/1)', () =>
      rejected((a) => [[':method', 'GET'], [':scheme', 'http'], [':authority', a], [':path', '']]));

    it('"All HTTP/2 requests MUST include exactly one valid value for the :method, :scheme, and :path pseudo-header fields, unless they are CONNECT requests": no :method (h2spec 8.1.2.3/2)', () =>
      rejected((a) => get(a).filter(([n]) => n !== ':method')));

    it('"… exactly one valid value for … :scheme": no :scheme (h2spec 8.1.2.3/3)', () => rejected((a) => get(a).filter(([n]) => n !== ':scheme')));

    it('"… exactly one valid value for … :path": no :path (h2spec 8.1.2.3/4)', () => rejected((a) => get(a).filter(([n]) => n !== ':path')));

    it('"The same pseudo-header field name MUST NOT appear more than once in a field block": :method twice (h2spec 8.1.2.3/5)', () =>
      rejected((a) => [[':method', 'GET'], ...get(a)]));

    it('"… MUST NOT appear more than once": :scheme twice (h2spec 8.1.2.3/6)', () => rejected((a) => [...get(a).slice(0, 3), [':scheme', 'https'], [':path', '/']]));

    it('"… MUST NOT appear more than once": :path twice (h2spec 8.1.2.3/7)', () => rejected((a) => [...get(a), [':path', '/again']]));

    it('"… MUST NOT appear more than once": :authority twice', () => rejected((a) => [...get(a).slice(0, 3), [':authority', 'other.example'], [':path', '/']]));

    it('":path … for http or https URIs … MUST be the origin-form … except OPTIONS * ": a path without "/" is malformed', () =>
      rejected((a) => [[':method', 'GET'], [':scheme', 'http'], [':authority', a], [':path', 'index.html']]));

    it('"… an OPTIONS request … that does not include a path component … MUST include the value \'*\'": OPTIONS * is well-formed (answered, not reset)', async () => {
      const peer = await connect();
      peer.send(peer.headers(1, [[':method', 'OPTIONS'], [':scheme', 'http'], [':authority', peer.authority], [':path', '*']], { endStream: true }));
      expect((await peer.expectResponseComplete(1)).status).toMatch(/^[1-5]\d\d$/);
      await peer.expectHealthyNoReset();
    });

    it('":authority … MAY be omitted" when a Host header is sent instead', async () => {
      const peer = await connect();
      peer.send(peer.headers(1, [[':method', 'GET'], [':scheme', 'http'], [':path', '/'], ['host', peer.authority]], { endStream: true }));
      expect((await peer.expectResponseComplete(1)).body.toString()).toBe(SMALL_BODY);
    });

    it('":protocol" on a request that is not CONNECT is malformed (RFC 8441 §4)', () => rejected((a) => [...get(a), [':protocol', 'websocket']]));

    // "… exactly one valid value": a value that is not one is no better than none (node:http2 resets these too).
    it('"… exactly one valid value for … :method": an empty :method', () => rejected((a) => [[':method', ''], ...get(a).slice(1)]));
    it('"… exactly one valid value for … :method": a :method that is not a token (RFC 9110 §9.1), "G T"', () => rejected((a) => [[':method', 'G T'], ...get(a).slice(1)]));
    it('"… exactly one valid value for … :scheme": "ht tp" is no URI scheme (RFC 3986 §3.1)', () => rejected((a) => [[':method', 'GET'], [':scheme', 'ht tp'], [':authority', a], [':path', '/']]));
    it('"… exactly one valid value for … :path": a space in it, "/a b" (RFC 3986 §3.3)', () => rejected((a) => [[':method', 'GET'], [':scheme', 'http'], [':authority', a], [':path', '/a b']]));
    it('an empty :authority: an http(s) host is never empty (RFC 9110 §4.2.1)', () => rejected(() => [[':method', 'GET'], [':scheme', 'http'], [':authority', ''], [':path', '/']]));
  });

  describe('while the server is busy responding', () => {
    it('a request without :path while responses are in flight: only that stream is reset', async () => {
      const peer = await RawPeer.connect(server().port, BUSY);
      await startBusy(peer, [1]);
      peer.send(peer.headers(3, get(peer.authority).filter(([n]) => n !== ':path'), { endStream: true }));
      await peer.expectRst(3, ErrorCode.PROTOCOL_ERROR);
      await finishBusy(peer, [1]);
    });
  });
});
