/**
 * reverse-proxy: a reactive HTTP/2 reverse proxy in one file. Every request
 * that arrives on `serve()` is forwarded over one `connect()`ed upstream
 * session, with both bodies streamed, never buffered whole:
 * - request body: the client's `stream.body` (an ix AsyncIterable) is the
 *   upstream request's body — pulled only as the upstream's flow-control
 *   window allows, and the client gets WINDOW_UPDATE only as it is pulled;
 * - response body: `session.requestStream()` gives the upstream response body
 *   as a pull-based AsyncIterable, handed to `respond()` — read only as the
 *   client's window allows, so a slow client slows the upstream down;
 * - a client that goes away cancels the upstream stream, and the reverse;
 * - headers are copied minus hop-by-hop ones (RFC 9110 §7.6.1); `:authority`
 *   becomes the upstream's (the original goes in `x-forwarded-host`); `via`
 *   is added. An unreachable upstream is 502;
 * - trailers are forwarded both ways, once each body has been: `trailers`
 *   given as a function is called after the body's last chunk.
 *
 * Run:
 *   npx ts-node --transpile-only examples/reverse-proxy.ts http://127.0.0.1:8080 [port]   # default port 8081
 *   curl --http2-prior-knowledge http://127.0.0.1:8081/
 *
 * In your own project, import from 'rx-http2' instead of '../src'.
 */
import { connect, ErrorCode, serve, type IncomingHeaders, type IncomingStream, type RxServer, type RxSession } from '../src';

/** Hop-by-hop fields (RFC 9110 §7.6.1; RFC 9113 §8.2.2 forbids them in HTTP/2 anyway): never forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-authenticate', 'proxy-authorization']);

/** `fields` without hop-by-hop fields, those `connection` names, and pseudo-headers. */
export function endToEnd(fields: ReadonlyArray<readonly [string, string]>): Array<[string, string]> {
  const named = new Set(
    fields
      .filter(([n]) => n === 'connection')
      .flatMap(([, v]) => v.split(','))
      .map((s) => s.trim().toLowerCase()),
  );
  return fields.filter(([n, v]) => !n.startsWith(':') && !named.has(n) && (!HOP_BY_HOP.has(n) || (n === 'te' && v.trim() === 'trailers'))).map(([n, v]) => [n, v]);
}

/** The upstream session, made on first use and again whenever the last one stopped being open. */
class Upstream {
  private current: Promise<RxSession> | undefined;
  constructor(readonly origin: string) {}

  session(): Promise<RxSession> {
    if (this.current === undefined) {
      const made = connect(this.origin);
      this.current = made;
      const forget = (): void => {
        if (this.current === made) this.current = undefined;
      };
      made.then((s) => s.state$.subscribe((state) => state !== 'open' && forget()), forget);
    }
    return this.current;
  }

  close(): void {
    void this.current?.then((s) => s.close(), () => undefined);
    this.current = undefined;
  }
}

/** The request body, or `undefined` when the request had none (so that the upstream request ends with its HEADERS too). */
async function requestBody(stream: IncomingStream): Promise<AsyncIterable<Uint8Array> | undefined> {
  const iterator = stream.body[Symbol.asyncIterator]();
  const first = await iterator.next(); // a body-less request ends at once
  if (first.done === true) return undefined;
  return (async function* () {
    try {
      yield first.value;
      for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) yield next.value;
    } finally {
      await iterator.return?.(); // stopped early (upstream went away): reset the client's request side
    }
  })();
}

/** Forwards one request; never rejects. */
async function forward(stream: IncomingStream, upstream: Upstream, via: string): Promise<void> {
  const cancel = new AbortController();
  // The client reset its stream: stop waiting on (and cancel) the upstream one.
  void stream.closed.then((c) => {
    if (c.code !== ErrorCode.NO_ERROR || c.initiator !== 'none') cancel.abort(new Error('client went away'));
  });
  const h = stream.headers as IncomingHeaders;
  try {
    const session = await upstream.session();
    const fields: Array<[string, string]> = [
      [':method', String(h[':method'])],
      [':scheme', session.origin.scheme],
      [':authority', session.origin.authority],
      [':path', String(h[':path'])],
      ...endToEnd(stream.fields),
      ['x-forwarded-host', String(h[':authority'] ?? '')],
      ['x-forwarded-proto', String(h[':scheme'] ?? 'http')],
      ['via', via],
    ];
    const upload = await requestBody(stream);
    const response = await session.requestStream(fields, upload, { signal: cancel.signal, trailers: upload === undefined ? undefined : () => stream.trailers });
    const body = { [Symbol.asyncIterator]: () => response.body[Symbol.asyncIterator](cancel.signal) };
    const headers: Array<[string, string]> = [[':status', String(response.status)], ...endToEnd(response.fields), ['via', via]];
    if (response.status === 204 || response.status === 304 || h[':method'] === 'HEAD') await stream.respond(headers);
    else await stream.respond(headers, body, { trailers: () => response.trailers });
  } catch {
    if (cancel.signal.aborted) return; // the client is gone: nothing to answer
    try {
      await stream.respond({ ':status': 502, 'content-type': 'text/plain' }, 'bad gateway\n');
    } catch {
      stream.reset(ErrorCode.INTERNAL_ERROR); // the response had started: all we can do is reset
    }
  }
}

export interface Proxy {
  server: RxServer;
  url: string;
  close(): Promise<void>;
}

/** Starts a proxy on `port` (0: any free port) forwarding to `upstream` (`http://host:port` or `https://…`). */
export async function main(options: { upstream: string; port?: number }): Promise<Proxy> {
  const upstream = new Upstream(new URL(options.upstream).origin);
  const server = await serve({ host: '127.0.0.1', port: options.port ?? 8081 });
  server.streams$.subscribe((stream) => void forward(stream, upstream, '2 rx-http2-proxy'));
  return {
    server,
    url: server.url,
    close: async () => {
      await server.close();
      upstream.close();
    },
  };
}

if (require.main === module) {
  const [upstream, port] = process.argv.slice(2);
  if (upstream === undefined) {
    console.error('usage: reverse-proxy.ts <upstream-url> [port]');
    process.exit(2);
  }
  main({ upstream, port: port === undefined ? 8081 : Number(port) }).then((proxy) => {
    console.log(`proxying ${proxy.url} → ${upstream}`);
    process.once('SIGINT', () => void proxy.close());
  });
}
