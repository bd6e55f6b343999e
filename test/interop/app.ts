/**
 * The server side the interop peers talk to when we are the server: one
 * small application on `serve()`, the same for every client peer.
 *
 * | route | response |
 * |---|---|
 * | `GET /hello` | 200 `hello from rx-http2` |
 * | `POST /echo` | 200, the request body streamed back (backpressure end to end) |
 * | `POST /sha256` | 200 `{"bytes":n,"sha256":"…"}` of the request body, which is not kept |
 * | `GET /bytes/N` | 200, N octets of {@link Payload} with content-length; trailer `x-sha256` |
 * | `GET /trailers` | 200 `body with trailers`, trailers `x-trailer-one: one`, `x-checksum: <sha256 of body>` |
 * | `GET /early-hints` | 103 with a `link`, then 200 `after hints` |
 * | `GET /push` | PUSH_PROMISE `/pushed.css` (200 `body { color: red }`), then 200 `main document` |
 * | `GET /status/N` | status N, empty |
 * | anything else | the test's `hook`, or 404 |
 */
import { createHash } from 'node:crypto';
import { serve, type RxServer } from '../../src/rx/serve';
import type { IncomingStream } from '../../src/rx/rx-stream';
import { certificateFiles, Payload, tempDir, type CertificateFiles, type TempDir } from './helpers';

export const HELLO = 'hello from rx-http2';
export const TRAILERS_BODY = 'body with trailers';
export const PUSHED_BODY = 'body { color: red }';
export const EARLY_HINTS_LINK = '</style.css>; rel=preload; as=style';

/** A running app: the server, and what it sent on `/bytes/N` (checksums, once sent). */
export interface App {
  server: RxServer;
  url: string;
  port: number;
  /** Payloads sent on `/bytes/N`, in order of the requests. */
  sent: Payload[];
  /** Errors the handlers hit (a test asserts there were none). */
  errors: unknown[];
  close(): Promise<void>;
}

/** A handler for routes the app does not know; return false to fall through to 404. */
export type Hook = (stream: IncomingStream) => boolean | Promise<boolean>;

export async function startApp(options: { tls?: { key: Buffer; cert: Buffer }; hook?: Hook } = {}): Promise<App> {
  const server = await serve({ host: '127.0.0.1', tls: options.tls });
  const sent: Payload[] = [];
  const errors: unknown[] = [];
  server.streams$.subscribe((stream) => {
    handle(stream, options.hook, sent).catch((e) => {
      errors.push(e);
      stream.reset();
    });
  });
  return {
    server,
    url: server.url,
    port: server.address.port,
    sent,
    errors,
    close: () => server.close(),
  };
}

async function handle(stream: IncomingStream, hook: Hook | undefined, sent: Payload[]): Promise<void> {
  const path = stream.path ?? '';
  const method = stream.method;
  if (method === 'GET' && path === '/hello') {
    await stream.respond({ ':status': 200, 'content-type': 'text/plain' }, HELLO);
  } else if (method === 'POST' && path === '/echo') {
    await stream.respond({ ':status': 200, 'content-type': 'application/octet-stream' }, stream.body);
  } else if (method === 'POST' && path === '/sha256') {
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of stream.body) {
      hash.update(chunk);
      bytes += chunk.length;
    }
    await stream.respond({ ':status': 200, 'content-type': 'application/json' }, JSON.stringify({ bytes, sha256: hash.digest('hex') }));
  } else if ((method === 'GET' || method === 'HEAD') && /^\/bytes\/\d+$/.test(path)) {
    const payload = new Payload(Number(path.slice('/bytes/'.length)));
    sent.push(payload);
    const headers = { ':status': 200, 'content-type': 'application/octet-stream', 'content-length': payload.size };
    if (method === 'HEAD') return void (await stream.respond(headers));
    await stream.respond(headers, payload.chunks(), { trailers: { 'x-sha256': Payload.digestOf(payload.size) } });
  } else if (method === 'GET' && path === '/trailers') {
    const checksum = createHash('sha256').update(TRAILERS_BODY).digest('hex');
    await stream.respond({ ':status': 200, 'content-type': 'text/plain' }, TRAILERS_BODY, { trailers: { 'x-trailer-one': 'one', 'x-checksum': checksum } });
  } else if (method === 'GET' && path === '/early-hints') {
    stream.informational({ ':status': 103, link: EARLY_HINTS_LINK });
    await stream.respond({ ':status': 200, 'content-type': 'text/plain' }, 'after hints');
  } else if (method === 'GET' && path === '/push') {
    const authority = (stream.headers[':authority'] as string | undefined) ?? 'localhost';
    const scheme = (stream.headers[':scheme'] as string | undefined) ?? 'http';
    const pushed = stream.push({ ':method': 'GET', ':path': '/pushed.css', ':scheme': scheme, ':authority': authority });
    await stream.respond({ ':status': 200, 'content-type': 'text/html' }, 'main document');
    await pushed.respond({ ':status': 200, 'content-type': 'text/css' }, PUSHED_BODY);
  } else if (method === 'GET' && /^\/status\/\d{3}$/.test(path)) {
    await stream.respond({ ':status': Number(path.slice(8)) });
  } else if (hook === undefined || !(await hook(stream))) {
    await stream.respond({ ':status': 404 }, 'not found');
  }
}

/** The shared fixture of the client-peer suites: a temp dir, a certificate (when openssl exists), and the app over h2c and TLS. */
export interface AppFixture {
  dir: TempDir;
  cert: CertificateFiles | undefined;
  h2c: App;
  tls: App | undefined;
}

/**
 * Registers the hooks of an {@link AppFixture} in the current `describe`:
 * started before all tests (handed to `ready`), closed after all, and after
 * each test the apps must have seen no error.
 */
export function useApps(prefix: string, ready: (fixture: AppFixture) => void): void {
  let fixture: Partial<AppFixture> = {};
  beforeAll(async () => {
    const dir = tempDir(prefix);
    const cert = certificateFiles(dir);
    fixture = { dir, cert, h2c: await startApp(), tls: cert !== undefined ? await startApp({ tls: cert }) : undefined };
    ready(fixture as AppFixture);
  });
  afterAll(async () => {
    await fixture.h2c?.close();
    await fixture.tls?.close();
    fixture.dir?.remove();
  });
  afterEach(() => {
    expect(fixture.h2c?.errors).toEqual([]);
    expect(fixture.tls?.errors ?? []).toEqual([]);
  });
}
