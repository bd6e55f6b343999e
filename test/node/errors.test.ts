import * as http2 from 'node:http2';
import {
  AbortError,
  addNumericalSeparator,
  describeReceived,
  nghttp2ErrorString,
  nghttpError,
  nodeError,
  nodeRangeError,
  type NodeErrorCode,
} from '../../src/node/errors';
import { errorShape, internalOutcomes, outcome, type ErrorShape, type Outcome } from './outcome';

/** Our error for `code` made from the argument list `argsSource` (JavaScript). */
function ours(code: string, argsSource: string, range = false): Outcome {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const args = new Function(`return [${argsSource}]`)() as unknown[];
  const make = range ? nodeRangeError : nodeError;
  return outcome(() => {
    throw (make as (c: string, ...a: unknown[]) => Error)(code, ...args);
  });
}

/** Node's error for `code` from the same arguments, built by `internal/errors`. */
function nodeSource(code: string, argsSource: string, range = false): string {
  return `(() => { throw new codes.${code}${range ? '.RangeError' : ''}(${argsSource}); })()`;
}

/**
 * Every code with a few argument lists, incl. each kind of value Node
 * describes differently in ERR_INVALID_ARG_TYPE / ERR_OUT_OF_RANGE /
 * ERR_INVALID_ARG_VALUE messages.
 */
const cases: [code: NodeErrorCode, args: string, range?: boolean][] = [
  ['ERR_HTTP2_ALTSVC_INVALID_ORIGIN', ''],
  ['ERR_HTTP2_ALTSVC_LENGTH', ''],
  ['ERR_HTTP2_CONNECT_AUTHORITY', ''],
  ['ERR_HTTP2_CONNECT_PATH', ''],
  ['ERR_HTTP2_CONNECT_SCHEME', ''],
  ['ERR_HTTP2_GOAWAY_SESSION', ''],
  ['ERR_HTTP2_HEADERS_AFTER_RESPOND', ''],
  ['ERR_HTTP2_HEADERS_SENT', ''],
  ['ERR_HTTP2_HEADER_SINGLE_VALUE', "'content-type'"],
  ['ERR_HTTP2_INFO_STATUS_NOT_ALLOWED', ''],
  ['ERR_HTTP2_INVALID_CONNECTION_HEADERS', "'keep-alive'"],
  ['ERR_HTTP2_INVALID_HEADER_VALUE', "undefined, 'x-foo'"],
  ['ERR_HTTP2_INVALID_HEADER_VALUE', "['a', 1], 'x-foo'"],
  ['ERR_HTTP2_INVALID_INFO_STATUS', '200'],
  ['ERR_HTTP2_INVALID_INFO_STATUS', '-0'],
  ['ERR_HTTP2_INVALID_ORIGIN', ''],
  ['ERR_HTTP2_INVALID_PACKED_SETTINGS_LENGTH', ''],
  ['ERR_HTTP2_INVALID_PSEUDOHEADER', "':foo'"],
  ['ERR_HTTP2_INVALID_SESSION', ''],
  ['ERR_HTTP2_INVALID_SETTING_VALUE', "'enablePush', 1"],
  ['ERR_HTTP2_INVALID_SETTING_VALUE', "'enablePush', { a: 1 }"],
  ['ERR_HTTP2_INVALID_SETTING_VALUE', "'headerTableSize', -1, 0, 4294967295", true],
  ['ERR_HTTP2_INVALID_SETTING_VALUE', "'Range Error', NaN, 0, 65535", true],
  ['ERR_HTTP2_INVALID_SETTING_VALUE', "'x', Symbol('s')"],
  ['ERR_HTTP2_INVALID_STREAM', ''],
  ['ERR_HTTP2_MAX_PENDING_SETTINGS_ACK', ''],
  ['ERR_HTTP2_NESTED_PUSH', ''],
  ['ERR_HTTP2_NO_MEM', ''],
  ['ERR_HTTP2_NO_SOCKET_MANIPULATION', ''],
  ['ERR_HTTP2_ORIGIN_LENGTH', ''],
  ['ERR_HTTP2_OUT_OF_STREAMS', ''],
  ['ERR_HTTP2_PAYLOAD_FORBIDDEN', '204'],
  ['ERR_HTTP2_PING_CANCEL', ''],
  ['ERR_HTTP2_PING_LENGTH', ''],
  ['ERR_HTTP2_PSEUDOHEADER_NOT_ALLOWED', ''],
  ['ERR_HTTP2_PUSH_DISABLED', ''],
  ['ERR_HTTP2_SEND_FILE', ''],
  ['ERR_HTTP2_SEND_FILE_NOSEEK', ''],
  ['ERR_HTTP2_SESSION_ERROR', '1'],
  ['ERR_HTTP2_SETTINGS_CANCEL', ''],
  ['ERR_HTTP2_SOCKET_BOUND', ''],
  ['ERR_HTTP2_SOCKET_UNBOUND', ''],
  ['ERR_HTTP2_STATUS_101', ''],
  ['ERR_HTTP2_STATUS_INVALID', '999'],
  ['ERR_HTTP2_STREAM_CANCEL', 'undefined'],
  ['ERR_HTTP2_STREAM_CANCEL', "new Error('boom')"],
  ['ERR_HTTP2_STREAM_CANCEL', '{ message: 5 }'],
  ['ERR_HTTP2_STREAM_ERROR', "'NGHTTP2_PROTOCOL_ERROR'"],
  ['ERR_HTTP2_STREAM_ERROR', '99'],
  ['ERR_HTTP2_STREAM_SELF_DEPENDENCY', ''],
  ['ERR_HTTP2_TOO_MANY_CUSTOM_SETTINGS', ''],
  ['ERR_HTTP2_TOO_MANY_INVALID_FRAMES', ''],
  ['ERR_HTTP2_TRAILERS_ALREADY_SENT', ''],
  ['ERR_HTTP2_TRAILERS_NOT_READY', ''],
  ['ERR_HTTP2_UNSUPPORTED_PROTOCOL', "'ftp:'"],
  ...[
    'undefined', 'null', '0', '-0', 'NaN', 'Infinity', '-Infinity', '5', '1.5', '-7',
    "''", "'abc'", '"it\'s"', "'x'.repeat(28)", "'x'.repeat(29)", "\"a'b\".repeat(20)",
    'true', 'false', 'function foo() {}', '() => 1', 'class Bar {}', 'Symbol()', "Symbol('desc')",
    '10n', '2n ** 70n', '{}', '[]', '[1, 2]', 'new Map()', 'Object.create(null)',
    'new (class Baz {})()', 'Buffer.alloc(1)', 'new Date(0)', "{ constructor: 'x' }",
  ].map((value): [NodeErrorCode, string] => ['ERR_INVALID_ARG_TYPE', `'settings', 'Object', ${value}`]),
  ['ERR_INVALID_ARG_TYPE', "'options.settings', 'Object', 1"],
  ['ERR_INVALID_ARG_TYPE', "'first argument', 'string', 1"],
  ['ERR_INVALID_ARG_TYPE', "'buf', ['Buffer', 'TypedArray'], 'x'"],
  ['ERR_INVALID_ARG_TYPE', "'customSettings', 'Number', null"],
  ['ERR_INVALID_ARG_TYPE', "'authority', ['string', 'Object', 'URL'], 1"],
  ['ERR_INVALID_ARG_TYPE', "'x', ['string', 'number', 'boolean', 'Function'], 1"],
  ['ERR_INVALID_ARG_TYPE', "'x', ['object', 'Buffer', 'null'], 1"],
  ['ERR_INVALID_ARG_TYPE', "'x', ['a', 'b', 'c', 'd'], 1"],
  ['ERR_INVALID_ARG_TYPE', "'x', 'null', 1"],
  ['ERR_INVALID_ARG_VALUE', "'headers[http2.neverIndex]', 5"],
  ['ERR_INVALID_ARG_VALUE', "'options.offset', 'x'.repeat(300)"],
  ['ERR_INVALID_ARG_VALUE', "'x', { a: [1, { b: 2 }] }, 'must be good'"],
  ['ERR_INVALID_ARG_VALUE', "'x', -1", true],
  ['ERR_INVALID_CHAR', "'alt'"],
  ['ERR_INVALID_CHAR', "'header content', 'x-foo'"],
  ['ERR_INVALID_HTTP_TOKEN', "'Header name', 'a b'"],
  ...[
    '4294967296', '4294967297', '-4294967297', '2 ** 53', '1.5', '-1', 'NaN', 'undefined', "'x'",
    '10n', '4294967296n', '4294967297n', '-(2n ** 40n)', '{ a: 1 }',
  ].map((value): [NodeErrorCode, string] => ['ERR_OUT_OF_RANGE', `'windowSize', '>= 0 && <= 2147483647', ${value}`]),
  ['ERR_OUT_OF_RANGE', "'The custom message.', 'ok', 5, true"],
  ['ERR_SOCKET_CLOSED', ''],
  ['ERR_STREAM_WRITE_AFTER_END', ''],
];

describe('nodeError / nodeRangeError: every code against Node 20 internal/errors', () => {
  const oracle = internalOutcomes(cases.map(([code, args, range]) => nodeSource(code, args, range)));

  test.each(cases.map((c, i) => [c[0], c[1], c[2] ?? false, i] as const))(
    '%s(%s) range=%s',
    (code, args, range, i) => {
      expect(ours(code, args, range)).toEqual(oracle[i]);
    },
  );

  test('covers every ERR_HTTP2_* code Node 20 defines (ERR_HTTP2_ERROR is nghttpError)', () => {
    const [listed] = internalOutcomes([
      "Object.keys(codes).filter((k) => k.startsWith('ERR_HTTP2_')).sort().join(' ')",
    ]);
    const nodeCodes = (listed as { value: string }).value.replace(/'/g, '').split(' ');
    const ourCodes = [...new Set(cases.map(([code]) => code).filter((code) => code.startsWith('ERR_HTTP2_')))];
    expect(ourCodes.sort()).toEqual(nodeCodes);
  });
});

describe('errors thrown by node:http2 itself', () => {
  /** A client session that never connects (nothing listens on port 1). */
  function withSession(fn: (session: http2.ClientHttp2Session) => void): Outcome {
    const session = http2.connect('http://127.0.0.1:1');
    session.on('error', () => {});
    try {
      return outcome(() => fn(session));
    } finally {
      session.destroy();
    }
  }

  test.each<[string, () => Outcome, () => Error]>([
    ['unsupported protocol', () => outcome(() => http2.connect('ftp://localhost')),
      () => nodeError('ERR_HTTP2_UNSUPPORTED_PROTOCOL', 'ftp:')],
    ['connection header', () => withSession((s) => s.request({ ':path': '/', connection: 'close' })),
      () => nodeError('ERR_HTTP2_INVALID_CONNECTION_HEADERS', 'connection')],
    ['single value header', () => withSession((s) => s.request({ ':path': '/', 'content-type': ['a', 'b'] })),
      () => nodeError('ERR_HTTP2_HEADER_SINGLE_VALUE', 'content-type')],
    ['pseudo-header', () => withSession((s) => s.request({ ':path': '/', ':foo': 'x' })),
      () => nodeError('ERR_HTTP2_INVALID_PSEUDOHEADER', ':foo')],
    ['header token', () => withSession((s) => s.request({ ':path': '/', 'a b': 'x' })),
      () => nodeError('ERR_INVALID_HTTP_TOKEN', 'Header name', 'a b')],
    ['ping length', () => withSession((s) => s.ping(Buffer.alloc(3), () => {})),
      () => nodeError('ERR_HTTP2_PING_LENGTH')],
    ['ping callback', () => withSession((s) => s.ping(Buffer.alloc(8), 5 as never)),
      () => nodeError('ERR_INVALID_ARG_TYPE', 'callback', 'Function', 5)],
    ['window size range', () => withSession((s) => s.setLocalWindowSize(2 ** 40)),
      () => nodeError('ERR_OUT_OF_RANGE', 'windowSize', '>= 0 && <= 2147483647', 2 ** 40)],
    ['window size type', () => withSession((s) => s.setLocalWindowSize('x' as never)),
      () => nodeError('ERR_INVALID_ARG_TYPE', 'windowSize', 'number', 'x')],
    ['settings value', () => withSession((s) => s.settings({ maxFrameSize: 1 })),
      () => nodeRangeError('ERR_HTTP2_INVALID_SETTING_VALUE', 'maxFrameSize', 1, 16384, 2 ** 24 - 1)],
    ['destroyed session', () => {
      const session = http2.connect('http://127.0.0.1:1');
      session.on('error', () => {});
      session.destroy();
      return outcome(() => session.request({ ':path': '/' }));
    }, () => nodeError('ERR_HTTP2_INVALID_SESSION')],
  ])('%s', (_label, node, make) => {
    // Under jest, Node's own errors lose their `[CODE]` in the stack header
    // (jest replaces Node's prepareStackTrace), so compare that line only in
    // the oracle tests above, which run in a plain node process.
    const actual = outcome(() => { throw make(); }, false);
    const { stackHead: _node, ...expected } = node() as ErrorShape;
    expect(actual).toEqual(expected);
  });
});

describe('error objects', () => {
  test('class, name, code, String() and first stack line', () => {
    const err = nodeRangeError('ERR_HTTP2_INVALID_SETTING_VALUE', 'headerTableSize', -1, 0, 4294967295);
    expect(err).toBeInstanceOf(RangeError);
    expect(err.constructor).toBe(RangeError);
    expect(err.name).toBe('RangeError');
    expect(err.code).toBe('ERR_HTTP2_INVALID_SETTING_VALUE');
    expect(String(err)).toBe('RangeError [ERR_HTTP2_INVALID_SETTING_VALUE]: Invalid value for setting "headerTableSize": -1');
    expect(err.stack!.split('\n')[0]).toBe(String(err));
    expect(Object.keys(err)).toEqual(['code', 'actual', 'min', 'max']);
    expect(Object.prototype.hasOwnProperty.call(err, 'name')).toBe(false);
  });

  test('the stack starts at the caller, not inside the factory', () => {
    function callerFrame(): Error {
      return nodeError('ERR_HTTP2_INVALID_SESSION');
    }
    const lines = callerFrame().stack!.split('\n');
    expect(lines[1]).toContain('callerFrame');
  });

  test('nghttpError and AbortError match Node', () => {
    const oracle = internalOutcomes([
      '(() => { throw new NghttpError(-505); })()',
      '(() => { throw new NghttpError(-12345); })()',
      "(() => { throw new NghttpError(-505, 'ERR_HTTP2_TOO_MANY_INVALID_FRAMES'); })()",
      '(() => { throw new AbortError(undefined, { cause: 1 }); })()',
    ]);
    expect(outcome(() => { throw nghttpError(-505); })).toEqual(oracle[0]);
    expect(outcome(() => { throw nghttpError(-12345); })).toEqual(oracle[1]);
    expect(outcome(() => { throw nghttpError(-505, 'ERR_HTTP2_TOO_MANY_INVALID_FRAMES'); })).toEqual(oracle[2]);
    expect(outcome(() => { throw new AbortError(undefined, { cause: 1 }); })).toEqual(oracle[3]);
  });

  test('nghttp2ErrorString', () => {
    expect(nghttp2ErrorString(-505)).toBe('Protocol error');
    expect(nghttp2ErrorString(-1)).toBe('Unknown error code');
  });

  test('describeReceived and addNumericalSeparator', () => {
    expect(describeReceived(undefined)).toBe('undefined');
    expect(describeReceived(null)).toBe('null');
    expect(describeReceived(-0)).toBe('type number (-0)');
    expect(describeReceived('x'.repeat(30))).toBe(`type string ('${'x'.repeat(25)}...')`);
    expect(describeReceived([])).toBe('an instance of Array');
    expect(describeReceived(function named() {})).toBe('function named');
    expect(describeReceived(Symbol('s'))).toBe('type symbol (Symbol(s))');
    expect(describeReceived(3n)).toBe('type bigint (3n)');
    expect(addNumericalSeparator('4294967296')).toBe('4_294_967_296');
    expect(addNumericalSeparator('-1000')).toBe('-1_000');
    expect(addNumericalSeparator('999')).toBe('999');
  });
});
