import { BlockKind, checkHeaderList, newHeaderListInfo } from '../../../src/protocol/semantics/header-list';

type F = Array<[string, string]>;
const GET: F = [[':method', 'GET'], [':scheme', 'https'], [':authority', 'a.example'], [':path', '/']];
const check = (f: F, kind: BlockKind = BlockKind.Request, connectProtocolEnabled = false) =>
  checkHeaderList(f, kind, { connectProtocolEnabled }, newHeaderListInfo());

describe('RFC 9113 §8 checks on received field blocks', () => {
  test('a plain request is valid and its pseudo-headers are read', () => {
    const info = newHeaderListInfo();
    expect(checkHeaderList([...GET, ['content-length', '12']], BlockKind.Request, { connectProtocolEnabled: false }, info)).toBeUndefined();
    expect(info).toMatchObject({ method: 'GET', scheme: 'https', authority: 'a.example', path: '/', contentLength: 12, isConnect: false });
  });

  test.each<[string, F, BlockKind?]>([
    ['§8.3.1 missing :method', [[':scheme', 'https'], [':path', '/']]],
    ['§8.3.1 missing :scheme', [[':method', 'GET'], [':path', '/']]],
    ['§8.3.1 missing :path', [[':method', 'GET'], [':scheme', 'https']]],
    ['§8.3.1 empty :path', [[':method', 'GET'], [':scheme', 'https'], [':path', '']]],
    ['§8.3.1 :path not origin-form', [[':method', 'GET'], [':scheme', 'https'], [':path', 'x']]],
    ['§8.3 duplicate pseudo-header', [...GET, [':path', '/b']]],
    ['§8.3 pseudo-header after a regular field', [[':method', 'GET'], ['x', 'y'], [':scheme', 'https'], [':path', '/']]],
    ['§8.3 undefined pseudo-header', [...GET, [':foo', 'bar']]],
    ['§8.3 response pseudo-header in a request', [...GET, [':status', '200']]],
    ['§8.2.1 uppercase name', [...GET, ['X-Foo', 'bar']]],
    ['§8.2.1 empty name', [...GET, ['', '']]],
    ['§8.2.1 CR in value', [...GET, ['x', 'a\rb']]],
    ['§8.2.1 leading space in value', [...GET, ['x', ' a']]],
    ['§8.2.2 connection', [...GET, ['connection', 'keep-alive']]],
    ['§8.2.2 transfer-encoding', [...GET, ['transfer-encoding', 'chunked']]],
    ['§8.2.2 upgrade', [...GET, ['upgrade', 'h2c']]],
    ['§8.2.2 te other than trailers', [...GET, ['te', 'gzip']]],
    ['§8.3.1 empty :method', [[':method', ''], [':scheme', 'https'], [':path', '/']]],
    ['§8.3.1 :method not a token', [[':method', 'G T'], [':scheme', 'https'], [':path', '/']]],
    ['§8.3.1 :method with a non-Latin-1 character', [[':method', 'G\u0100T'], [':scheme', 'https'], [':path', '/']]],
    ['§8.3.1 :scheme not starting with a letter', [[':method', 'GET'], [':scheme', '1http'], [':path', '/']]],
    ['§8.3.1 :scheme with a space', [[':method', 'GET'], [':scheme', 'ht tp'], [':path', '/']]],
    ['§8.3.1 :path with a space', [[':method', 'GET'], [':scheme', 'https'], [':path', '/a b']]],
    ['§8.3.1 :path with a control', [[':method', 'GET'], [':scheme', 'https'], [':path', '/a\x01']]],
    ['§8.3.1 :path with DEL', [[':method', 'GET'], [':scheme', 'https'], [':path', '/a\x7f']]],
    ['§8.3.1 empty :authority', [[':method', 'GET'], [':scheme', 'https'], [':authority', ''], [':path', '/']]],
    ['§8.3.1 :authority with a slash', [[':method', 'GET'], [':scheme', 'https'], [':authority', 'a/b'], [':path', '/']]],
    ['§8.5 CONNECT with an empty :authority', [[':method', 'CONNECT'], [':authority', '']]],
    ['§8.3.1 a host with a space (RFC 9110 §7.2)', [[':method', 'GET'], [':scheme', 'https'], [':path', '/'], ['host', 'local host']]],
    ['§8.3.1 an empty host', [[':method', 'GET'], [':scheme', 'https'], [':path', '/'], ['host', '']]],
    ['RFC 9110 §8.6 non-numeric content-length', [...GET, ['content-length', '1x']]],
    ['RFC 9110 §8.6 differing content-lengths', [...GET, ['content-length', '1'], ['content-length', '2']]],
    ['§8.5 CONNECT with :path', [[':method', 'CONNECT'], [':authority', 'a:443'], [':path', '/']]],
    ['§8.5 CONNECT without :authority', [[':method', 'CONNECT']]],
    ['RFC 8441 §4 :protocol not enabled', [[':method', 'CONNECT'], [':protocol', 'websocket'], [':scheme', 'https'], [':authority', 'a'], [':path', '/']]],
    ['§8.3.2 missing :status', [['x', 'y']], BlockKind.Response],
    ['§8.3.2 non-numeric :status', [[':status', '2xx']], BlockKind.Response],
    ['§8.3.2 request pseudo-header in a response', [[':status', '200'], [':path', '/']], BlockKind.Response],
    ['§8.1 pseudo-header in trailers', [[':status', '200']], BlockKind.Trailers],
  ])('%s is malformed', (...row) => {
    // A rest parameter: with a fixed arity of 3, jest would take the third as `done`.
    const [, fields, kind] = row;
    expect(check(fields, kind ?? BlockKind.Request)).toEqual(expect.any(String));
  });

  test('te: trailers, CONNECT, extended CONNECT when enabled, OPTIONS * and repeated equal content-length are valid', () => {
    expect(check([...GET, ['te', 'trailers']])).toBeUndefined();
    // ABNF literals are case-insensitive (RFC 5234 §2.3): the same value.
    expect(check([...GET, ['te', 'Trailers']])).toBeUndefined();
    expect(check([...GET, ['te', 'TRAILERS']])).toBeUndefined();
    // Valid values of every request pseudo-header, at the edges of their grammars.
    expect(check([[':method', 'M-SEARCH'], [':scheme', 'coap+tcp'], [':authority', 'user@[::1]:8443'], [':path', "/a-._~!$&'()*+,;=:@%20/é?q=1&r=[x]"]])).toBeUndefined();
    expect(check([[':method', 'GET'], [':scheme', 'x'], [':authority', 'a'], [':path', '/\u00ff']])).toBeUndefined();
    expect(check([[':method', 'CONNECT'], [':authority', 'a:443']])).toBeUndefined();
    const ext: F = [[':method', 'CONNECT'], [':protocol', 'websocket'], [':scheme', 'https'], [':authority', 'a'], [':path', '/chat']];
    expect(check(ext, BlockKind.Request, true)).toBeUndefined();
    expect(check([[':method', 'OPTIONS'], [':scheme', 'https'], [':path', '*']])).toBeUndefined();
    expect(check([...GET, ['content-length', '5'], ['content-length', '5']])).toBeUndefined();
    expect(check([[':status', '204'], ['x', '']], BlockKind.Response)).toBeUndefined();
    expect(check([['grpc-status', '0']], BlockKind.Trailers)).toBeUndefined();
  });
});
