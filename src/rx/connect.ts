import { dial, parseAuthority, type DialOptions } from '../transport';
import { bindSession } from './bind-session';
import type { RxSession, RxSessionOptions } from './rx-session';

/** Options of {@link connect}: the session's and the transport's (TLS `ca`, `rejectUnauthorized`, `servername`, `createConnection`, …). */
export interface ConnectOptions extends Omit<RxSessionOptions, 'role' | 'origin'>, DialOptions {}

/**
 * Opens a client session: `http://` uses h2c with prior knowledge, `https://`
 * TLS with ALPN `h2` and SNI (honouring `ca` and `rejectUnauthorized`), or
 * the connection `options.createConnection` makes. Resolves once connected;
 * requests made right away are sent after the preface.
 *
 * ```ts
 * const session = await connect('http://localhost:8080');
 * session.request({ ':path': '/' }).subscribe(console.log);
 * ```
 */
export async function connect(authority: string | URL, options: ConnectOptions = {}): Promise<RxSession> {
  const { url } = parseAuthority(authority, { protocol: options.protocol });
  const socket = await dial(authority, options);
  const { session } = bindSession(socket, {
    ...options,
    role: 'client',
    origin: { scheme: url.protocol === 'https:' ? 'https' : 'http', authority: url.host },
  });
  return session;
}
