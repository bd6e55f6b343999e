import type { AddressInfo } from 'node:net';
import type * as net from 'node:net';
import type * as tls from 'node:tls';
import { Observable, Subject, Subscription } from 'rxjs';
import { ErrorCode } from '../protocol/error-code';
import { listenH2c, listenTls } from '../transport';
import { bindSession } from './bind-session';
import type { RxSession, RxSessionOptions } from './rx-session';
import type { IncomingStream } from './rx-stream';

/** Options of {@link serve}. */
export interface ServeOptions extends Omit<RxSessionOptions, 'role' | 'origin'> {
  /** Address to listen on. Default: all interfaces. */
  host?: string;
  /** Port; 0 (the default) lets the OS choose — read {@link RxServer.address}. */
  port?: number;
  /**
   * TLS options (`key`, `cert`, `ca`, …): serve HTTP/2 over TLS with ALPN `h2`.
   * Without them the server speaks h2c with prior knowledge (RFC 9113 §3.3).
   */
  tls?: tls.TlsOptions & { unknownProtocolTimeout?: number };
}

/**
 * A listening HTTP/2 server of the reactive API. Sessions and streams are
 * hot Observables: subscribe to {@link streams$} (every request of every
 * session) or {@link sessions$} before traffic arrives; a request that
 * arrives while nobody listens to `streams$` is refused with
 * RST_STREAM REFUSED_STREAM rather than left hanging.
 */
export class RxServer {
  /** Every session (connection), as it is accepted. */
  readonly sessions$: Observable<RxSession>;
  /** Every incoming request stream, of every session. */
  readonly streams$: Observable<IncomingStream>;

  private readonly sessions = new Subject<RxSession>();
  private readonly streams = new Subject<IncomingStream>();
  private readonly live = new Set<{ session: RxSession; binding: Subscription }>();
  private closing: Promise<void> | undefined;

  /** @internal Use {@link serve}. */
  constructor(
    readonly server: net.Server | tls.Server,
    private readonly options: ServeOptions,
  ) {
    this.sessions$ = this.sessions.asObservable();
    this.streams$ = this.streams.asObservable();
  }

  /** The address the server listens on. */
  get address(): AddressInfo {
    return this.server.address() as AddressInfo;
  }

  /** `http://host:port` or `https://host:port` for this server (host 127.0.0.1 when listening on all interfaces). */
  get url(): string {
    const { address, port, family } = this.address;
    const host = address === '::' || address === '0.0.0.0' ? '127.0.0.1' : family === 'IPv6' ? `[${address}]` : address;
    return `${this.options.tls ? 'https' : 'http'}://${host}:${port}`;
  }

  /** @internal A new connection. */
  accept(socket: net.Socket): void {
    const { host: _host, port: _port, tls: _tls, ...sessionOptions } = this.options;
    const entry = bindSession(socket, { ...sessionOptions, role: 'server' });
    if (this.closing !== undefined) {
      // Accepted after close(), as a TLS client whose handshake completes then: GOAWAY at once, so
      // that its requests are refused, safe to retry elsewhere (RFC 9113 §6.8), not cut off unexplained.
      entry.session.close();
      return;
    }
    this.live.add(entry);
    entry.binding.add(() => this.live.delete(entry));
    entry.session.streams$.subscribe((stream) => {
      if (this.streams.observed) this.streams.next(stream);
      else stream.reset(ErrorCode.REFUSED_STREAM); // nobody serves it: the client may retry (§8.7)
    });
    this.sessions.next(entry.session);
  }

  /**
   * Graceful shutdown: stops accepting connections, sends GOAWAY(NO_ERROR) on
   * every session and resolves when their streams have finished and their
   * sockets are closed. A connection accepted meanwhile (a TLS client whose
   * handshake completes after this call) gets GOAWAY at once: its requests
   * are refused, `retryable`.
   */
  close(): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    const listening = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const drained = [...this.live].map(
      ({ session, binding }) =>
        new Promise<void>((resolve) => {
          if (binding.closed) return resolve();
          binding.add(() => resolve());
          // A no-op on a session whose connection failed: it only waits for its socket to close.
          session.close();
        }),
    );
    this.closing = Promise.all([listening, ...drained]).then(() => {
      this.sessions.complete();
      this.streams.complete();
    });
    return this.closing;
  }
}

/**
 * Starts an HTTP/2 server: h2c with prior knowledge, or TLS with ALPN `h2`
 * when `options.tls` is given. Resolves once listening.
 *
 * ```ts
 * const server = await serve({ port: 8080 });
 * server.streams$.subscribe((stream) => stream.respond({ ':status': 200 }, 'hello'));
 * ```
 */
export async function serve(options: ServeOptions = {}): Promise<RxServer> {
  let rx: RxServer | undefined;
  const onSocket = (socket: net.Socket) => rx!.accept(socket);
  const address = { host: options.host, port: options.port ?? 0 };
  const server = options.tls === undefined ? await listenH2c(address, onSocket) : await listenTls({ ...options.tls, ...address }, onSocket);
  rx = new RxServer(server, options);
  return rx;
}
