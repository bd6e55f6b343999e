import type { CoreStream } from '../protocol/connection';
import type { H2Error } from '../protocol/h2-error';

/**
 * The error to report for `stream` when the connection failed under it — a
 * protocol error or a limit we answered with GOAWAY, or the transport (kind
 * `io`, the socket's error as cause): that error, scope `connection`, says
 * why, rather than a stream reset that never was. `undefined` when the stream
 * closed otherwise, or may be retried elsewhere (then a reset says so).
 */
export function connectionFailure(stream: CoreStream): H2Error | undefined {
  const failure = stream.error;
  return failure?.scope === 'connection' && !stream.retryable ? failure : undefined;
}
