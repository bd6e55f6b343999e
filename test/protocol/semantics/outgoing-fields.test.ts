import { BlockKind } from '../../../src/protocol/semantics/header-list';
import { outgoingFieldsError } from '../../../src/protocol/semantics/outgoing-fields';

type F = Array<[string, string]>;
const GET: F = [[':method', 'GET'], [':scheme', 'https'], [':authority', 'a.example'], [':path', '/']];
const OK: F = [[':status', '200']];

describe('outgoingFieldsError: what an endpoint MUST NOT generate (RFC 9113 §8.2, §8.3)', () => {
  test.each<[string, F, BlockKind]>([
    ['CR LF in a value (header injection on an HTTP/1 hop)', [...OK, ['x-a', 'b\r\nx-injected: 1']], BlockKind.Response],
    ['a bare LF', [...GET, ['x-a', 'b\nc']], BlockKind.Request],
    ['NUL', [...OK, ['x-a', 'a\0']], BlockKind.Response],
    ['another control (RFC 9110 §5.5: no CTL but HTAB)', [...OK, ['x-a', 'a\x01b']], BlockKind.Response],
    ['a character above U+00FF', [...OK, ['x-a', 'snow ☃']], BlockKind.Response],
    ['leading whitespace', [...OK, ['x-a', ' a']], BlockKind.Response],
    ['a name that is no token', [...OK, ['x a', '1']], BlockKind.Response],
    ['an uppercase name', [...OK, ['X-A', '1']], BlockKind.Response],
    ['an empty name', [...OK, ['', '1']], BlockKind.Response],
    ['connection', [...GET, ['connection', 'close']], BlockKind.Request],
    ['keep-alive', [...OK, ['keep-alive', 'timeout=5']], BlockKind.Response],
    ['transfer-encoding', [...OK, ['transfer-encoding', 'chunked']], BlockKind.Response],
    ['upgrade', [...GET, ['upgrade', 'websocket']], BlockKind.Request],
    ['http2-settings (the h2c upgrade\'s)', [...GET, ['http2-settings', 'AAMAAABkAAQAoAAA']], BlockKind.Request],
    ['te other than trailers', [...GET, ['te', 'gzip']], BlockKind.Request],
    ['an unknown pseudo-header', [...GET, [':foo', '1']], BlockKind.Request],
    ['a response pseudo-header in a request', [...GET, [':status', '200']], BlockKind.Request],
    ['a request pseudo-header in a response', [...OK, [':path', '/']], BlockKind.Response],
    ['a pseudo-header in trailers', [[':status', '200']], BlockKind.Trailers],
    ['a pseudo-header after a regular field', [['x-a', '1'], [':status', '200']], BlockKind.Response],
    ['CONNECT with :path', [[':method', 'CONNECT'], [':authority', 'a:443'], [':path', '/']], BlockKind.Request],
    ['CONNECT without :authority', [[':method', 'CONNECT']], BlockKind.Request],
    ['two different content-lengths', [...OK, ['content-length', '1'], ['content-length', '2']], BlockKind.Response],
    ['a :method that is no token', [[':method', 'G T'], ...GET.slice(1)], BlockKind.Request],
    ['a host that differs from :authority (§8.3.1)', [...GET, ['host', 'b.example']], BlockKind.Request],
  ])('%s', (_, fields, kind) => {
    expect(outgoingFieldsError(fields, kind)).toEqual(expect.any(String));
  });

  test('what may be sent: a HTAB inside a value, obs-text, te: trailers, extended CONNECT, trailers, a 1xx', () => {
    expect(outgoingFieldsError([...OK, ['x-a', 'a\tb'], ['x-b', 'caf\xe9']], BlockKind.Response)).toBeUndefined();
    expect(outgoingFieldsError([...GET, ['te', 'trailers']], BlockKind.Request)).toBeUndefined();
    expect(outgoingFieldsError([...GET, ['host', 'a.example']], BlockKind.Request)).toBeUndefined();
    expect(outgoingFieldsError([[':method', 'CONNECT'], [':protocol', 'websocket'], [':scheme', 'https'], [':authority', 'a'], [':path', '/chat']], BlockKind.Request)).toBeUndefined();
    expect(outgoingFieldsError([['grpc-status', '0']], BlockKind.Trailers)).toBeUndefined();
    expect(outgoingFieldsError([[':status', '103'], ['link', '</a.css>; rel=preload']], BlockKind.Response)).toBeUndefined();
  });
});
