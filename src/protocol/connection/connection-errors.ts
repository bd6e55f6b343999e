/**
 * The core's errors that are not a single stream's: a connection error fails
 * the connection (GOAWAY, every stream closed, §5.4.1), an exception of ours
 * or of a handler becomes INTERNAL_ERROR, and a command the protocol forbids
 * throws a user error.
 * @packageDocumentation
 */
import { ErrorCode } from '../error-code';
import { FrameType } from '../frames/frame-type';
import { H2Error } from '../h2-error';
import { StreamState } from '../streams/stream-state';
import type { ConnectionContext } from './connection-context';
import { emit } from './frame-output';
import { finish } from './stream-lifecycle';

/** Longest GOAWAY debug data we write. */
const MAX_DEBUG_DATA = 256;

/** The `H2Error` (kind `user`) a command throws when asked for something the protocol forbids. */
export function userError(message: string, code: number = ErrorCode.PROTOCOL_ERROR, streamId = 0, retryable = false): H2Error {
  return new H2Error(message, { kind: 'user', code, scope: streamId === 0 ? 'connection' : 'stream', streamId, retryable });
}

/** Throws a user error once the connection has failed. */
export function checkOpen(c: ConnectionContext): void {
  if (c.dead) throw userError('the connection has failed and is closed', ErrorCode.INTERNAL_ERROR);
}

function debugBytes(err: H2Error): Uint8Array {
  const text = err.limit !== undefined ? `${err.limit}: ${err.message}` : err.message;
  const bytes = Buffer.from(text, 'utf8');
  return new Uint8Array(bytes.subarray(0, MAX_DEBUG_DATA));
}

/** Fails the connection with INTERNAL_ERROR for an exception `e` on the receive or output path. */
export function internalError(c: ConnectionContext, e: unknown): void {
  const err = H2Error.connection(ErrorCode.INTERNAL_ERROR, `internal error: ${e instanceof Error ? e.message : String(e)}`);
  Object.defineProperty(err, 'cause', { value: e });
  fail(c, err);
}

/**
 * A connection error (§5.4.1): GOAWAY(code) with the highest peer stream we
 * processed and a debug text naming the limit or rule; every stream closed;
 * `events.goaway` then `events.error`. Exceptions from handlers are ignored
 * here: the connection is already going down.
 */
export function fail(c: ConnectionContext, err: H2Error): void {
  if (c.dead) return;
  c.dead = true;
  c.assembly.clear();
  c.pendingDecoderError = undefined;
  let last = c.lastAcceptedRemote;
  if (c.goawaySentInfo !== undefined && c.goawaySentInfo.lastStreamId < last) last = c.goawaySentInfo.lastStreamId;
  const debug = debugBytes(err);
  emit(c, { type: FrameType.GOAWAY, streamId: 0, lastStreamId: last, errorCode: err.code, debugData: debug });
  c.goawaySentInfo = { lastStreamId: last, code: err.code, debugData: debug };
  for (const s of c.takeEveryStream()) {
    if (s.closeReported) continue;
    if (s.error === undefined) s.error = err;
    if (s.rstCode === undefined) s.rstCode = err.code;
    c.setState(s, StreamState.CLOSED_LOCAL_RESET);
    try {
      finish(c, s, err.code, 'local');
    } catch {
      // the connection is failing anyway
    }
  }
  try {
    c.events.goaway(last, err.code, debug, 'local');
  } catch {
    // ignored, see above
  }
  try {
    c.events.error(err);
  } catch {
    // ignored, see above
  }
}
