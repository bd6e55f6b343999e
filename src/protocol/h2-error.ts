import { errorCodeName } from './error-code';

/**
 * What kind of failure an {@link H2Error} describes (DESIGN principle 7).
 * - `protocol`: a rule of RFC 9113 / RFC 7541 was broken (by `initiator`).
 * - `reset`: a stream was reset with RST_STREAM.
 * - `goaway`: the connection is going away (GOAWAY sent or received).
 * - `user`: the API user asked for something impossible in the current state.
 * - `io`: the transport failed.
 */
export type H2ErrorKind = 'protocol' | 'reset' | 'goaway' | 'user' | 'io';

/** Which end caused the error: `local` (we detected or decided it) or `remote` (the peer told us). */
export type H2ErrorInitiator = 'local' | 'remote';

/** Whether an error ends one stream (RST_STREAM) or the whole connection (GOAWAY), RFC 9113 §5.4. */
export type H2ErrorScope = 'stream' | 'connection';

/** Construction options of {@link H2Error}. */
export interface H2ErrorInit {
  kind: H2ErrorKind;
  /** RFC 9113 §7 error code to put on the wire (or that came off it). */
  code: number;
  scope: H2ErrorScope;
  /** Stream concerned; 0 for connection-scope errors. */
  streamId?: number;
  initiator?: H2ErrorInitiator;
  /** Name of the configured limit that fired (e.g. `maxHeaderListSize`), so a legitimate user can tell. */
  limit?: string;
  /**
   * A reset of a request the peer never processed (refused by GOAWAY's last
   * stream id or REFUSED_STREAM, RFC 9113 §8.7): safe to retry, on a new
   * connection if this one is going away. Default false.
   */
  retryable?: boolean;
  /** What caused it, when another error did (the socket's, for kind `io`): the standard `Error.cause`. */
  cause?: unknown;
}

/**
 * The one internal error type of rx-http2. The protocol layer produces it;
 * the Node facade maps it to Node's `ERR_HTTP2_*` errors.
 */
export class H2Error extends Error {
  readonly kind: H2ErrorKind;
  readonly code: number;
  readonly scope: H2ErrorScope;
  readonly streamId: number;
  readonly initiator: H2ErrorInitiator;
  readonly limit: string | undefined;
  /** True when the request was not processed by the peer and may be retried (see {@link H2ErrorInit.retryable}). */
  readonly retryable: boolean;

  constructor(message: string, init: H2ErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'H2Error';
    this.kind = init.kind;
    this.code = init.code;
    this.scope = init.scope;
    this.streamId = init.streamId ?? 0;
    this.initiator = init.initiator ?? 'local';
    this.limit = init.limit;
    this.retryable = init.retryable ?? false;
  }

  /** The RFC name of {@link code}, e.g. `PROTOCOL_ERROR`. */
  get codeName(): string {
    return errorCodeName(this.code);
  }

  /** A connection error we detected: answered with GOAWAY(code). */
  static connection(code: number, message: string, limit?: string): H2Error {
    return new H2Error(message, { kind: 'protocol', code, scope: 'connection', limit });
  }

  /** A stream error we detected: answered with RST_STREAM(code) on `streamId`. */
  static stream(streamId: number, code: number, message: string, limit?: string): H2Error {
    return new H2Error(message, { kind: 'protocol', code, scope: 'stream', streamId, limit });
  }
}
