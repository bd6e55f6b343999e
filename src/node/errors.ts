/**
 * Node-style errors for the `node:http2` facade.
 *
 * Every error made here looks like the one Node 20 throws for the same code:
 * same class (`Error`, `TypeError` or `RangeError`, so `instanceof` works and
 * `err.name` is the class name), same own enumerable properties (`code`, plus
 * `actual`/`min`/`max` or `cause` for the codes that set them), same `message`,
 * and the same `String(err)` and first `err.stack` line:
 * `TypeError [ERR_X]: message`.
 *
 * Messages are Node 20's text (lib/internal/errors.js), checked against the
 * errors Node itself throws in `test/node/errors.test.ts`. `%s` placeholders
 * are filled by `util.format`, as Node does.
 */
import { format, inspect } from 'node:util';

/** The error classes Node's errors are built on. */
type ErrorBase = ErrorConstructor | TypeErrorConstructor | RangeErrorConstructor;

/** Own properties a message function adds to its error (Node sets them on `this`). */
type ExtraProperties = Record<string, unknown>;

interface MessageEntry<A extends unknown[]> {
  /** The class Node uses when the code is thrown without choosing a variant. */
  readonly base: ErrorBase;
  /** The text, or how to compute it from the arguments Node passes. */
  readonly message: (this: ExtraProperties, ...args: A) => string;
}

/** A message without arguments. */
function fixed(base: ErrorBase, text: string): MessageEntry<[]> {
  return { base, message: () => text };
}

/** A message with one `%s`, filled by `util.format` as Node does. */
function format1(base: ErrorBase, text: string): MessageEntry<[arg: unknown]> {
  return { base, message: (arg) => format(text, arg) };
}

/** A message with two `%s`, filled by `util.format` as Node does. */
function format2(base: ErrorBase, text: string): MessageEntry<[arg1: unknown, arg2: unknown]> {
  return { base, message: (arg1, arg2) => format(text, arg1, arg2) };
}

/** A message computed from the arguments; it may set own properties on `this`. */
function computed<A extends unknown[]>(
  base: ErrorBase,
  message: (this: ExtraProperties, ...args: A) => string,
): MessageEntry<A> {
  return { base, message };
}

/**
 * Every `ERR_HTTP2_*` code Node 20 defines, and the generic codes its http2
 * implementation throws (`lib/internal/http2/{core,compat,util}.js`).
 * `ERR_HTTP2_ERROR` (an nghttp2 library error) is made by {@link nghttpError}.
 */
const messages = {
  ERR_HTTP2_ALTSVC_INVALID_ORIGIN: fixed(TypeError, 'HTTP/2 ALTSVC frames require a valid origin'),
  ERR_HTTP2_ALTSVC_LENGTH: fixed(TypeError, 'HTTP/2 ALTSVC frames are limited to 16382 bytes'),
  ERR_HTTP2_CONNECT_AUTHORITY: fixed(Error, ':authority header is required for CONNECT requests'),
  ERR_HTTP2_CONNECT_PATH: fixed(Error, 'The :path header is forbidden for CONNECT requests'),
  ERR_HTTP2_CONNECT_SCHEME: fixed(Error, 'The :scheme header is forbidden for CONNECT requests'),
  ERR_HTTP2_GOAWAY_SESSION: fixed(Error, 'New streams cannot be created after receiving a GOAWAY'),
  ERR_HTTP2_HEADERS_AFTER_RESPOND: fixed(Error, 'Cannot specify additional headers after response initiated'),
  ERR_HTTP2_HEADERS_SENT: fixed(Error, 'Response has already been initiated.'),
  /** Argument: the header name. */
  ERR_HTTP2_HEADER_SINGLE_VALUE: format1(TypeError, 'Header field "%s" must only have a single value'),
  ERR_HTTP2_INFO_STATUS_NOT_ALLOWED: fixed(RangeError, 'Informational status codes cannot be used'),
  /** Argument: the header name. */
  ERR_HTTP2_INVALID_CONNECTION_HEADERS: format1(TypeError, 'HTTP/1 Connection specific headers are forbidden: "%s"'),
  /** Arguments: the value, the header name. */
  ERR_HTTP2_INVALID_HEADER_VALUE: format2(TypeError, 'Invalid value "%s" for header "%s"'),
  /** Argument: the status code. */
  ERR_HTTP2_INVALID_INFO_STATUS: format1(RangeError, 'Invalid informational status code: %s'),
  ERR_HTTP2_INVALID_ORIGIN: fixed(TypeError, 'HTTP/2 ORIGIN frames require a valid origin'),
  ERR_HTTP2_INVALID_PACKED_SETTINGS_LENGTH: fixed(RangeError, 'Packed settings length must be a multiple of six'),
  /** Argument: the pseudo-header name. */
  ERR_HTTP2_INVALID_PSEUDOHEADER: format1(TypeError, '"%s" is an invalid pseudoheader or is used incorrectly'),
  ERR_HTTP2_INVALID_SESSION: fixed(Error, 'The session has been destroyed'),
  /**
   * Arguments: setting name, actual value, and for range checks min and max.
   * A `TypeError` by default (non-boolean `enablePush`); range checks use
   * {@link nodeRangeError}. Sets `actual` (and `min`, `max` when min is given).
   * The value is interpolated with `${}` like Node, so a symbol makes the
   * message itself throw Node's "Cannot convert a Symbol value to a string".
   */
  ERR_HTTP2_INVALID_SETTING_VALUE: computed(
    TypeError,
    function (this: ExtraProperties, name: string, actual: unknown, min?: number, max?: number) {
      this.actual = actual;
      if (min !== undefined) {
        this.min = min;
        this.max = max;
      }
      return `Invalid value for setting "${name}": ${actual as string}`;
    },
  ),
  ERR_HTTP2_INVALID_STREAM: fixed(Error, 'The stream has been destroyed'),
  ERR_HTTP2_MAX_PENDING_SETTINGS_ACK: fixed(Error, 'Maximum number of pending settings acknowledgements'),
  ERR_HTTP2_NESTED_PUSH: fixed(Error, 'A push stream cannot initiate another push stream.'),
  ERR_HTTP2_NO_MEM: fixed(Error, 'Out of memory'),
  ERR_HTTP2_NO_SOCKET_MANIPULATION: fixed(
    Error,
    'HTTP/2 sockets should not be directly manipulated (e.g. read and written)',
  ),
  ERR_HTTP2_ORIGIN_LENGTH: fixed(TypeError, 'HTTP/2 ORIGIN frames are limited to 16382 bytes'),
  ERR_HTTP2_OUT_OF_STREAMS: fixed(Error, 'No stream ID is available because maximum stream ID has been reached'),
  /** Argument: the status code. */
  ERR_HTTP2_PAYLOAD_FORBIDDEN: format1(Error, 'Responses with %s status must not have a payload'),
  ERR_HTTP2_PING_CANCEL: fixed(Error, 'HTTP2 ping cancelled'),
  ERR_HTTP2_PING_LENGTH: fixed(RangeError, 'HTTP2 ping payload must be 8 bytes'),
  ERR_HTTP2_PSEUDOHEADER_NOT_ALLOWED: fixed(TypeError, 'Cannot set HTTP/2 pseudo-headers'),
  ERR_HTTP2_PUSH_DISABLED: fixed(Error, 'HTTP/2 client has disabled push streams'),
  ERR_HTTP2_SEND_FILE: fixed(Error, 'Directories cannot be sent'),
  ERR_HTTP2_SEND_FILE_NOSEEK: fixed(Error, 'Offset or length can only be specified for regular files'),
  /** Argument: the error code (Node passes the number). */
  ERR_HTTP2_SESSION_ERROR: format1(Error, 'Session closed with error code %s'),
  ERR_HTTP2_SETTINGS_CANCEL: fixed(Error, 'HTTP2 session settings canceled'),
  ERR_HTTP2_SOCKET_BOUND: fixed(Error, 'The socket is already bound to an Http2Session'),
  ERR_HTTP2_SOCKET_UNBOUND: fixed(Error, 'The socket has been disconnected from the Http2Session'),
  ERR_HTTP2_STATUS_101: fixed(Error, 'HTTP status code 101 (Switching Protocols) is forbidden in HTTP/2'),
  /** Argument: the status code. */
  ERR_HTTP2_STATUS_INVALID: format1(RangeError, 'Invalid status code: %s'),
  /** Argument: the error that caused the cancel, if any; it becomes `cause`. */
  ERR_HTTP2_STREAM_CANCEL: computed(Error, function (this: ExtraProperties, error: unknown) {
    let msg = 'The pending stream has been canceled';
    if (error) {
      this.cause = error;
      const causeMessage = (error as { message?: unknown }).message;
      if (typeof causeMessage === 'string') msg += ` (caused by: ${causeMessage})`;
    }
    return msg;
  }),
  /** Argument: the error code's name from `nameForErrorCode`, or the number. */
  ERR_HTTP2_STREAM_ERROR: format1(Error, 'Stream closed with error code %s'),
  ERR_HTTP2_STREAM_SELF_DEPENDENCY: fixed(Error, 'A stream cannot depend on itself'),
  ERR_HTTP2_TOO_MANY_CUSTOM_SETTINGS: fixed(Error, 'Number of custom settings exceeds MAX_ADDITIONAL_SETTINGS'),
  ERR_HTTP2_TOO_MANY_INVALID_FRAMES: fixed(Error, 'Too many invalid HTTP/2 frames'),
  ERR_HTTP2_TRAILERS_ALREADY_SENT: fixed(Error, 'Trailing headers have already been sent'),
  ERR_HTTP2_TRAILERS_NOT_READY: fixed(
    Error,
    'Trailing headers cannot be sent until after the wantTrailers event is emitted',
  ),
  /** Argument: the URL protocol, with its colon (`ftp:`). */
  ERR_HTTP2_UNSUPPORTED_PROTOCOL: format1(Error, 'protocol "%s" is unsupported.'),

  /**
   * Arguments: the argument name (`'x.y'` reads "property", `'... argument'`
   * is used as is), the expected type(s) or class name(s), the actual value.
   */
  ERR_INVALID_ARG_TYPE: computed(TypeError, (name: string, expected: string | readonly string[], actual: unknown) =>
    invalidArgTypeMessage(name, expected, actual),
  ),
  /**
   * Arguments: the argument name, the value, and the reason (default
   * `is invalid`). A `TypeError` by default; {@link nodeRangeError} for the
   * `RangeError` variant.
   */
  ERR_INVALID_ARG_VALUE: computed(TypeError, (name: string, value: unknown, reason = 'is invalid') => {
    let inspected = inspect(value);
    if (inspected.length > 128) inspected = `${inspected.slice(0, 128)}...`;
    const type = name.includes('.') ? 'property' : 'argument';
    return `The ${type} '${name}' ${reason}. Received ${inspected}`;
  }),
  /** Arguments: what holds the character, and optionally the field name. */
  ERR_INVALID_CHAR: computed(TypeError, (name: string, field?: string) => {
    let msg = `Invalid character in ${name}`;
    if (field !== undefined) msg += ` ["${field}"]`;
    return msg;
  }),
  /** Arguments: what the token is (`Header name`), the offending value. */
  ERR_INVALID_HTTP_TOKEN: format2(TypeError, '%s must be a valid HTTP token ["%s"]'),
  /**
   * Arguments: the name, the allowed range as text (`>= 0 && <= 4294967295`),
   * the received value, and `replaceDefaultBoolean` (use the name as the whole
   * first sentence).
   */
  ERR_OUT_OF_RANGE: computed(
    RangeError,
    (str: string, range: string, input: unknown, replaceDefaultBoolean = false) => {
      let msg = replaceDefaultBoolean ? str : `The value of "${str}" is out of range.`;
      let received: string;
      if (Number.isInteger(input) && Math.abs(input as number) > 2 ** 32) {
        received = addNumericalSeparator(String(input));
      } else if (typeof input === 'bigint') {
        received = String(input);
        if (input > 2n ** 32n || input < -(2n ** 32n)) received = addNumericalSeparator(received);
        received += 'n';
      } else {
        received = inspect(input);
      }
      msg += ` It must be ${range}. Received ${received}`;
      return msg;
    },
  ),
  ERR_SOCKET_CLOSED: fixed(Error, 'Socket is closed'),
  ERR_STREAM_WRITE_AFTER_END: fixed(Error, 'write after end'),
} satisfies Record<string, MessageEntry<never>>;

/** Every code {@link nodeError} can make. */
export type NodeErrorCode = keyof typeof messages;

/** The arguments Node passes when it throws `C` (see each code's message). */
export type NodeErrorArgs<C extends NodeErrorCode> = Parameters<(typeof messages)[C]['message']>;

/** The codes whose message takes no argument. */
export type NoArgumentCode = { [K in NodeErrorCode]: NodeErrorArgs<K> extends [] ? K : never }[NodeErrorCode];

/** The codes Node also throws as a `RangeError` (its `.RangeError` variants). */
export type RangeVariantCode = 'ERR_HTTP2_INVALID_SETTING_VALUE' | 'ERR_INVALID_ARG_VALUE';

/**
 * The shape of an error made here: a built-in error with Node's `code`.
 * Other own properties (`actual`, `min`, `max`, `cause`, `errno`) depend on
 * the code.
 */
export interface NodeError<C extends string = string> extends Error {
  readonly code: C;
  [property: string]: unknown;
}

/** The constructor of the classes below. */
type NodeErrorConstructor = new (code: string, message: string) => NodeError;

/** A subclass of `Base` with Node's `code` (an own enumerable property) and `toString()` (`Name [CODE]: message`). */
function codedErrorClass(Base: ErrorBase): NodeErrorConstructor {
  class CodedError extends (Base as ErrorConstructor) {
    [property: string]: unknown;
    declare readonly code: string;

    constructor(code: string, message: string) {
      super(message);
      // An own enumerable data property, like Node's class field.
      Object.defineProperty(this, 'code', { value: code, enumerable: true, writable: true, configurable: true });
    }

    override toString(): string {
      return `${this.name} [${this.code}]: ${this.message}`;
    }
  }
  return CodedError as unknown as NodeErrorConstructor;
}

/**
 * One class per base, like Node's per-code `NodeError` classes: `toString()`
 * shows the code, and `constructor` is the base class (Node's workaround so
 * that `err.constructor === TypeError`).
 */
function nodeErrorClass(Base: ErrorBase): NodeErrorConstructor {
  const NodeErrorImpl = codedErrorClass(Base);
  Object.defineProperty(NodeErrorImpl.prototype, 'constructor', {
    get: () => Base,
    configurable: true,
    enumerable: false,
  });
  return NodeErrorImpl as unknown as NodeErrorConstructor;
}

/** The error class for each base. */
const classes = new Map<ErrorBase, NodeErrorConstructor>([
  [Error, nodeErrorClass(Error)],
  [TypeError, nodeErrorClass(TypeError)],
  [RangeError, nodeErrorClass(RangeError)],
]);

/** An error of class `Class`, its extra properties after `code` (Node's key order), its stack starting at `caller`'s caller. */
function build(
  Class: NodeErrorConstructor,
  code: string,
  message: string,
  extra: ExtraProperties,
  caller: Function,
): NodeError {
  const err = new Class(code, message);
  Object.assign(err, extra);
  Error.captureStackTrace(err, caller);
  stampStackHeader(err);
  return err;
}

/**
 * Node formats the first stack line of its own errors as `Name [CODE]: msg`
 * (its `prepareStackTrace` recognises them by a private symbol we cannot set).
 * V8 formats `stack` lazily from `name` and `message`, so format it once
 * while `name` carries the code, then drop the own `name` again (the trick
 * Node itself used before v16).
 */
function stampStackHeader(err: NodeError): void {
  const name = err.name;
  Object.defineProperty(err, 'name', { value: `${name} [${err.code}]`, configurable: true, writable: true });
  void err.stack;
  delete (err as { name?: string }).name;
}

/** The error for `code` with class `Base`, built from Node's arguments. */
function make(Base: ErrorBase, code: NodeErrorCode, args: readonly unknown[], caller: Function): NodeError {
  const extra: ExtraProperties = {};
  const entry = messages[code] as MessageEntry<unknown[]>;
  const message = entry.message.apply(extra, args as unknown[]);
  return build(classes.get(Base) as NodeErrorConstructor, code, message, extra, caller);
}

/**
 * Makes the error Node throws for `code`, with its default class.
 *
 * @example
 * throw nodeError('ERR_HTTP2_INVALID_SESSION');
 * throw nodeError('ERR_INVALID_ARG_TYPE', 'settings', 'Object', value);
 */
export function nodeError<C extends NodeErrorCode>(code: C, ...args: NodeErrorArgs<C>): NodeError<C> {
  return make(messages[code].base, code, args, nodeError) as NodeError<C>;
}

/**
 * Makes the `RangeError` variant Node throws for `code` (Node's
 * `new codes[code].RangeError(...)`), e.g. a setting out of range.
 */
export function nodeRangeError<C extends RangeVariantCode>(code: C, ...args: NodeErrorArgs<C>): NodeError<C> {
  return make(RangeError, code, args, nodeRangeError) as NodeError<C>;
}

/**
 * nghttp2's `nghttp2_strerror` texts, by library error code. Node uses them
 * as the messages of `ERR_HTTP2_ERROR` (generated from Node 20's binding).
 */
const nghttp2ErrorStrings: Readonly<Record<number, string>> = {
  0: 'Success',
  [-501]: 'Invalid argument',
  [-502]: 'Out of buffer space',
  [-503]: 'Unsupported SPDY version',
  [-504]: 'Operation would block',
  [-505]: 'Protocol error',
  [-506]: 'Invalid frame octets',
  [-507]: 'EOF',
  [-508]: 'Data transfer deferred',
  [-509]: 'No more Stream ID available',
  [-510]: 'Stream was already closed or invalid',
  [-511]: 'Stream is closing',
  [-512]: 'The transmission is not allowed for this stream',
  [-513]: 'Stream ID is invalid',
  [-514]: 'Invalid stream state',
  [-515]: 'Another DATA frame has already been deferred',
  [-516]: 'request HEADERS is not allowed',
  [-517]: 'GOAWAY has already been sent',
  [-518]: 'Invalid header block',
  [-519]: 'Invalid state',
  [-521]: 'The user callback function failed due to the temporal error',
  [-522]: 'The length of the frame is invalid',
  [-523]: 'Header compression/decompression error',
  [-524]: 'Flow control error',
  [-525]: 'Insufficient buffer size given to function',
  [-526]: 'Callback was paused by the application',
  [-527]: 'Too many inflight SETTINGS',
  [-528]: 'Server push is disabled by peer',
  [-529]: 'DATA or HEADERS frame has already been submitted for the stream',
  [-530]: 'The current session is closing',
  [-531]: 'Invalid HTTP header field was received',
  [-532]: 'Violation in HTTP messaging rule',
  [-533]: 'Stream was refused',
  [-534]: 'Internal error',
  [-535]: 'Cancel',
  [-536]: 'When a local endpoint expects to receive SETTINGS frame, it receives an other type of frame',
  [-537]: 'SETTINGS frame contained more than the maximum allowed entries',
  [-901]: 'Out of memory',
  [-902]: 'The user callback function failed',
  [-903]: 'Received bad client magic byte string',
  [-904]: 'Flooding was detected in this HTTP/2 session, and it must be closed',
  [-905]: 'Too many CONTINUATION frames following a HEADER frame',
};

/** nghttp2's text for a library error code (`nghttp2_strerror`). */
export function nghttp2ErrorString(errno: number): string {
  return nghttp2ErrorStrings[errno] ?? 'Unknown error code';
}

/**
 * Node's internal `NghttpError` class: an `Error` (name `Error`) with `code`
 * and `errno`. Made by {@link nghttpError}.
 */
class NghttpError extends codedErrorClass(Error) {}

/**
 * Node's `NghttpError`: an `Error` with `code` `ERR_HTTP2_ERROR` (or
 * `customCode`, whose message is then used) and `errno`, the nghttp2 library
 * error code (e.g. -505 "Protocol error"). Node destroys sessions and streams
 * with it when the HTTP/2 library fails, and with
 * `nghttpError(-505, 'ERR_HTTP2_TOO_MANY_INVALID_FRAMES')` when a peer sends
 * too many invalid frames.
 */
export function nghttpError(errno: number, customCode?: NoArgumentCode): NodeError {
  const message = customCode !== undefined
    ? (messages[customCode] as MessageEntry<[]>).message.call({})
    : nghttp2ErrorString(errno);
  return build(NghttpError, customCode ?? 'ERR_HTTP2_ERROR', message, { errno }, nghttpError);
}

/**
 * Node's `AbortError` (not a DOMException): what a request aborted through
 * its `signal` option is destroyed with. `name` and `code` are own properties,
 * and its stack and `toString()` read `AbortError: The operation was aborted`.
 */
export class AbortError extends Error {
  readonly code = 'ABORT_ERR';

  constructor(message = 'The operation was aborted', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AbortError';
  }
}

// ---------------------------------------------------------------------------
// ERR_INVALID_ARG_TYPE, ported from Node 20's lib/internal/errors.js.

/** Primitive type names Node prints as `of type x` (sorted by frequency, as Node). */
const kTypes = ['string', 'function', 'number', 'object', 'Function', 'Object', 'boolean', 'bigint', 'symbol'];
const classRegExp = /^[A-Z][a-zA-Z0-9]*$/;

/** The ERR_INVALID_ARG_TYPE message (Node's, assertions left out). */
function invalidArgTypeMessage(name: string, expectedArg: string | readonly string[], actual: unknown): string {
  const expected = typeof expectedArg === 'string' ? [expectedArg] : expectedArg;
  let msg = 'The ';
  if (name.endsWith(' argument')) {
    msg += `${name} `;
  } else {
    const type = name.includes('.') ? 'property' : 'argument';
    msg += `"${name}" ${type} `;
  }
  msg += 'must be ';

  const types: string[] = [];
  const instances: string[] = [];
  const other: string[] = [];
  for (const value of expected) {
    if (kTypes.includes(value)) types.push(value.toLowerCase());
    else if (classRegExp.test(value)) instances.push(value);
    else other.push(value);
  }

  // `object` is spelled out as an instance when other instances are allowed.
  if (instances.length > 0) {
    const pos = types.indexOf('object');
    if (pos !== -1) {
      types.splice(pos, 1);
      instances.push('Object');
    }
  }

  if (types.length > 0) {
    msg += `${types.length > 1 ? 'one of type' : 'of type'} ${formatList(types, 'or')}`;
    if (instances.length > 0 || other.length > 0) msg += ' or ';
  }
  if (instances.length > 0) {
    msg += `an instance of ${formatList(instances, 'or')}`;
    if (other.length > 0) msg += ' or ';
  }
  if (other.length > 0) {
    if (other.length > 1) {
      msg += `one of ${formatList(other, 'or')}`;
    } else {
      if (other[0]!.toLowerCase() !== other[0]) msg += 'an ';
      msg += `${other[0]}`;
    }
  }
  msg += `. Received ${describeReceived(actual)}`;
  return msg;
}

/** `A`, `A or B`, `A, B, or C`: Node's `formatList`. */
function formatList(array: readonly string[], type = 'and'): string {
  switch (array.length) {
    case 0: return '';
    case 1: return `${array[0]}`;
    case 2: return `${array[0]} ${type} ${array[1]}`;
    case 3: return `${array[0]}, ${array[1]}, ${type} ${array[2]}`;
    default: return `${array.slice(0, -1).join(', ')}, ${type} ${array[array.length - 1]}`;
  }
}

/**
 * How Node describes a received value in type errors (its
 * `determineSpecificType`), e.g. `type number (5)`, `an instance of Array`,
 * `function foo`, `type string ('abc')`, `null`, `undefined`.
 */
export function describeReceived(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  switch (typeof value) {
    case 'bigint':
      return `type bigint (${value}n)`;
    case 'number':
      if (value === 0) return 1 / value === -Infinity ? 'type number (-0)' : 'type number (0)';
      if (value !== value) return 'type number (NaN)';
      if (value === Infinity) return 'type number (Infinity)';
      if (value === -Infinity) return 'type number (-Infinity)';
      return `type number (${value})`;
    case 'boolean':
      return value ? 'type boolean (true)' : 'type boolean (false)';
    case 'symbol':
      return `type symbol (${String(value)})`;
    case 'function':
      return `function ${value.name}`;
    case 'object': {
      const ctor = (value as { constructor?: unknown }).constructor;
      if (ctor && 'name' in (ctor as object)) return `an instance of ${(ctor as { name: unknown }).name as string}`;
      return `${inspect(value, { depth: -1 })}`;
    }
    case 'string': {
      let text: string = value;
      if (text.length > 28) text = `${text.slice(0, 25)}...`;
      if (!text.includes("'")) return `type string ('${text}')`;
      return `type string (${JSON.stringify(text)})`;
    }
    default: {
      let text = inspect(value, { colors: false });
      if (text.length > 28) text = `${text.slice(0, 25)}...`;
      return `type ${typeof value} (${text})`;
    }
  }
}

/** `1_000_000`: Node's grouping of large integers in range errors. Integers only. */
export function addNumericalSeparator(val: string): string {
  let res = '';
  let i = val.length;
  const start = val[0] === '-' ? 1 : 0;
  for (; i >= start + 4; i -= 3) res = `_${val.slice(i - 3, i)}${res}`;
  return `${val.slice(0, i)}${res}`;
}
