/**
 * Interop: Node's built-in `node:http2` (nghttp2 inside Node) as client of
 * `serve()` and as server for `connect()`, over h2c and TLS with ALPN.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { lastValueFrom, toArray } from 'rxjs';
import { connect } from '../../src/rx/connect';
import type { RxSession } from '../../src/rx/rx-session';
import type { IncomingStream } from '../../src/rx/rx-stream';
import { EARLY_HINTS_LINK, HELLO, PUSHED_BODY, startApp, TRAILERS_BODY, type App } from './app';
import { collect, Payload, readBody, sha256 } from './helpers';
import { makeCertificate, type TestCertificate } from '../transport/helpers';

jest.setTimeout(30_000);

const cert: TestCertificate | undefined = makeCertificate();
if (cert === undefined) process.stderr.write('[interop] openssl not found: the node:http2 TLS tests are SKIPPED\n');
const itTls = cert === undefined ? it.skip : it;

/** A node:http2 client request, gathered. */
interface NodeResponse {
  headers: http2.IncomingHttpHeaders;
  informational: http2.IncomingHttpHeaders[];
  trailers: http2.IncomingHttpHeaders | undefined;
  body: Buffer;
  sha256: string;
  bytes: number;
}

function nodeRequest(client: http2.ClientHttp2Session, headers: http2.OutgoingHttpHeaders, body?: Buffer | AsyncIterable<Buffer>, keep = true): Promise<NodeResponse> {
  return new Promise((resolve, reject) => {
    const req = client.request(headers, { endStream: body === undefined });
    const out: NodeResponse = { headers: {}, informational: [], trailers: undefined, body: Buffer.alloc(0), sha256: '', bytes: 0 };
    const parts: Buffer[] = [];
    const hash = createHash('sha256');
    req.on('headers', (h) => out.informational.push(h));
    req.on('response', (h) => (out.headers = h));
    req.on('trailers', (t) => (out.trailers = t));
    req.on('data', (c: Buffer) => {
      hash.update(c);
      out.bytes += c.length;
      if (keep) parts.push(c);
    });
    req.on('end', () => resolve({ ...out, body: Buffer.concat(parts), sha256: hash.digest('hex') }));
    req.on('error', reject);
    if (Buffer.isBuffer(body)) req.end(body);
    else if (body !== undefined) pipeline(Readable.from(body), req).catch(reject);
  });
}

function closeClient(client: http2.ClientHttp2Session): Promise<void> {
  return new Promise((resolve) => (client.closed ? resolve() : client.close(() => resolve())));
}

describe('node:http2 client → serve()', () => {
  let app: App;
  let tls: App | undefined;

  beforeAll(async () => {
    app = await startApp();
    if (cert !== undefined) tls = await startApp({ tls: cert });
  });

  afterAll(async () => {
    await app?.close();
    await tls?.close();
  });

  afterEach(() => {
    expect(app.errors).toEqual([]);
  });

  it('GET, POST of 1 MiB echoed, empty POST, trailers and 103 on one session', async () => {
    const client = http2.connect(app.url);
    const hello = await nodeRequest(client, { ':path': '/hello' });
    expect(hello.headers[':status']).toBe(200);
    expect(hello.body.toString()).toBe(HELLO);

    const body = new Payload(1024 * 1024);
    const echo = await nodeRequest(client, { ':method': 'POST', ':path': '/echo' }, body.chunks(), false);
    expect({ bytes: echo.bytes, sha256: echo.sha256 }).toEqual({ bytes: body.size, sha256: body.sha256 });

    const empty = await nodeRequest(client, { ':method': 'POST', ':path': '/sha256' }, Buffer.alloc(0));
    expect(JSON.parse(empty.body.toString())).toEqual({ bytes: 0, sha256: sha256('') });

    const trailers = await nodeRequest(client, { ':path': '/trailers' });
    expect(trailers.body.toString()).toBe(TRAILERS_BODY);
    expect(trailers.trailers).toMatchObject({ 'x-trailer-one': 'one', 'x-checksum': sha256(TRAILERS_BODY) });

    const hints = await nodeRequest(client, { ':path': '/early-hints' });
    expect(hints.informational).toEqual([expect.objectContaining({ ':status': 103, link: EARLY_HINTS_LINK })]);
    expect(hints.headers[':status']).toBe(200);
    await closeClient(client);
  });

  it('server push: the client gets a pushed stream with the promised request and the response', async () => {
    const client = http2.connect(app.url);
    const pushed = new Promise<{ path: unknown; status: unknown; body: string }>((resolve, reject) => {
      client.once('stream', (stream, requestHeaders) => {
        let status: unknown;
        const parts: Buffer[] = [];
        stream.on('push', (h) => (status = h[':status']));
        stream.on('data', (c: Buffer) => parts.push(c));
        stream.on('end', () => resolve({ path: requestHeaders[':path'], status, body: Buffer.concat(parts).toString() }));
        stream.on('error', reject);
      });
    });
    const main = await nodeRequest(client, { ':path': '/push' });
    expect(main.body.toString()).toBe('main document');
    expect(await pushed).toEqual({ path: '/pushed.css', status: 200, body: PUSHED_BODY });
    await closeClient(client);
  });

  it('100 concurrent streams on one session, 0 B to ~1 MiB each, checksummed against the trailer', async () => {
    const client = http2.connect(app.url);
    const sizes = Array.from({ length: 100 }, (_, i) => i * 10_007);
    const results = await Promise.all(sizes.map((n) => nodeRequest(client, { ':path': `/bytes/${n}` }, undefined, false)));
    results.forEach((r, i) => {
      expect({ status: r.headers[':status'], bytes: r.bytes }).toEqual({ status: 200, bytes: sizes[i] });
      expect(r.sha256).toBe(r.trailers?.['x-sha256']);
    });
    await closeClient(client);
  });

  it('graceful close: GOAWAY(NO_ERROR) reaches the client while a stream is in flight, and that stream completes', async () => {
    let closing: Promise<void> | undefined;
    const own = await startApp({
      hook: async (stream) => {
        if (stream.path !== '/hold') return false;
        closing = own.server.close();
        await stream.respond({ ':status': 200 }, 'finished after GOAWAY');
        return true;
      },
    });
    const client = http2.connect(own.url);
    const goaway = once(client, 'goaway') as Promise<[number, number, Buffer]>;
    const held = await nodeRequest(client, { ':path': '/hold' });
    const [code, lastStreamID] = await goaway;
    expect({ code, lastStreamID }).toEqual({ code: 0, lastStreamID: 1 });
    expect(held.body.toString()).toBe('finished after GOAWAY');
    await closing;
    await closeClient(client);
  });

  itTls('TLS with ALPN h2: certificate verified, GET and push', async () => {
    const client = http2.connect(`https://localhost:${tls!.port}`, { ca: cert!.cert });
    await once(client, 'connect');
    expect(client.alpnProtocol).toBe('h2');
    expect((await nodeRequest(client, { ':path': '/hello' })).body.toString()).toBe(HELLO);
    const pushedPath = new Promise((resolve) => client.once('stream', (s, h) => (s.resume(), resolve(h[':path']))));
    await nodeRequest(client, { ':path': '/push' });
    expect(await pushedPath).toBe('/pushed.css');
    await closeClient(client);
  });
});

describe('connect() → node:http2 server', () => {
  let server: http2.Http2Server;
  let secure: http2.Http2SecureServer | undefined;
  let url: string;
  const sessions: RxSession[] = [];
  /** Sessions the node server accepted, to GOAWAY from. */
  const serverSessions: http2.ServerHttp2Session[] = [];
  const held = new Map<http2.Http2Session, http2.ServerHttp2Stream[]>();

  function onStream(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    const path = String(headers[':path']);
    stream.on('error', () => undefined);
    if (path === '/hello') {
      stream.respond({ ':status': 200, 'content-type': 'text/plain' });
      stream.end('hello from node');
    } else if (path === '/trailers') {
      stream.respond({ ':status': 200 }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'x-trailer-one': 'one', 'x-checksum': sha256('node body') }));
      stream.end('node body');
    } else if (path === '/early-hints') {
      stream.additionalHeaders({ ':status': 103, link: EARLY_HINTS_LINK });
      stream.respond({ ':status': 200 });
      stream.end('after hints');
    } else if (path === '/push') {
      stream.pushStream({ ':path': '/pushed.js' }, (err, push) => {
        if (err) return stream.destroy(err);
        push.respond({ ':status': 200, 'content-type': 'text/javascript' });
        push.end(PUSHED_BODY);
        stream.respond({ ':status': 200 });
        stream.end('main document');
      });
    } else if (path === '/sha256') {
      const hash = createHash('sha256');
      let bytes = 0;
      stream.on('data', (c: Buffer) => {
        hash.update(c);
        bytes += c.length;
      });
      stream.on('end', () => {
        stream.respond({ ':status': 200, 'content-type': 'application/json' });
        stream.end(JSON.stringify({ bytes, sha256: hash.digest('hex') }));
      });
    } else if (path.startsWith('/bytes/')) {
      const payload = new Payload(Number(path.slice(7)));
      stream.respond({ ':status': 200, 'content-length': payload.size });
      pipeline(Readable.from(payload.syncChunks()), stream).catch(() => undefined);
    } else if (path.startsWith('/hold/')) {
      // GOAWAY mid-flight: once K streams are open, GOAWAY with the K/2-th as last stream id; answer only those.
      const K = Number(path.split('of=')[1]);
      const session = stream.session!;
      const list = held.get(session) ?? [];
      list.push(stream);
      held.set(session, list);
      if (list.length === K) {
        const ids = list.map((s) => s.id!).sort((a, b) => a - b);
        const last = ids[K / 2 - 1];
        session.goaway(http2.constants.NGHTTP2_NO_ERROR, last, Buffer.from('node interop'));
        for (const s of list) {
          if (s.id! <= last) {
            s.respond({ ':status': 200 });
            s.end(`held ${s.id}`);
          }
        }
      }
    } else {
      stream.respond({ ':status': 404 });
      stream.end();
    }
  }

  beforeAll(async () => {
    server = http2.createServer();
    server.on('stream', onStream);
    server.on('session', (s) => serverSessions.push(s));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (cert !== undefined) {
      secure = http2.createSecureServer({ key: cert.key, cert: cert.cert });
      secure.on('stream', onStream);
      secure.listen(0, '127.0.0.1');
      await once(secure, 'listening');
    }
  });

  afterAll(async () => {
    for (const s of sessions) {
      try {
        s.close();
      } catch {
        // already closed
      }
    }
    for (const s of serverSessions) if (!s.destroyed) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
    if (secure !== undefined) await new Promise<void>((r) => secure!.close(() => r()));
  });

  async function session(target = url, options = {}): Promise<RxSession> {
    const s = await connect(target, options);
    sessions.push(s);
    return s;
  }

  it('GET, trailers (waitForTrailers), 103 (additionalHeaders)', async () => {
    const s = await session();
    const hello = await collect(s, { ':path': '/hello' });
    expect({ status: hello.status, type: hello.headers['content-type'], body: hello.body.toString() }).toEqual({ status: 200, type: 'text/plain', body: 'hello from node' });
    const trailers = await collect(s, { ':path': '/trailers' });
    expect(trailers.body.toString()).toBe('node body');
    expect(trailers.trailers).toEqual({ 'x-trailer-one': 'one', 'x-checksum': sha256('node body') });
    const hints = await collect(s, { ':path': '/early-hints' });
    expect(hints.informational).toEqual([{ status: 103, headers: { ':status': '103', link: EARLY_HINTS_LINK } }]);
    expect(hints.status).toBe(200);
  });

  it('server push (pushStream) arrives on streams$', async () => {
    const s = await session();
    const pushed = new Promise<IncomingStream>((resolve) => s.streams$.subscribe(resolve));
    const main = await collect(s, { ':path': '/push' });
    expect(main.body.toString()).toBe('main document');
    const p = await pushed;
    expect(p.headers[':path']).toBe('/pushed.js');
    expect((await p.response)[':status']).toBe('200');
    expect((await readBody(p.body)).toString()).toBe(PUSHED_BODY);
  });

  it('16 MiB each way: upload hashed by Node, download checksummed', async () => {
    const s = await session();
    const up = new Payload(16 * 1024 * 1024);
    const r = await collect(s, { ':method': 'POST', ':path': '/sha256' }, up.chunks());
    expect(JSON.parse(r.body.toString())).toEqual({ bytes: up.size, sha256: up.sha256 });
    const size = 16 * 1024 * 1024;
    const down = await collect(s, { ':path': `/bytes/${size}` }, undefined, { keep: false });
    expect({ bytes: down.bytes, sha256: down.sha256 }).toEqual({ bytes: size, sha256: Payload.digestOf(size) });
  });

  it('100 concurrent streams on one connection', async () => {
    const s = await session();
    const sizes = Array.from({ length: 100 }, (_, i) => i * 3001);
    const results = await Promise.all(sizes.map((n) => collect(s, { ':path': `/bytes/${n}` }, undefined, { keep: false })));
    results.forEach((r, i) => expect({ status: r.status, bytes: r.bytes, sha256: r.sha256 }).toEqual({ status: 200, bytes: sizes[i], sha256: Payload.digestOf(sizes[i]) }));
  });

  it('GOAWAY mid-flight with a lower last-stream-id: streams above it fail as retryable, those below complete', async () => {
    const s = await session();
    const K = 8;
    const outcomes = await Promise.all(
      Array.from({ length: K }, (_, i) =>
        lastValueFrom(s.request({ ':path': `/hold/${i}?of=${K}` }).pipe(toArray())).then(
          (events) => ({ ok: true as const, body: Buffer.concat(events.flatMap((e) => (e.type === 'data' ? [e.chunk] : []))).toString() }),
          (error: Error & { retryable?: boolean }) => ({ ok: false as const, error }),
        ),
      ),
    );
    outcomes.forEach((o, i) => {
      const id = 2 * i + 1;
      if (i < K / 2) expect(o).toEqual({ ok: true, body: `held ${id}` });
      else {
        expect(o.ok).toBe(false);
        const error = (o as { error: Error & { retryable?: boolean } }).error;
        expect(error.message).toMatch(/\(safe to retry\)/);
        if ('retryable' in error) expect(error.retryable).toBe(true);
      }
    });
  });

  itTls('createSecureServer (ALPN h2): certificate verified with `ca`, GET and a 4 MiB download', async () => {
    const port = (secure!.address() as AddressInfo).port;
    const s = await session(`https://localhost:${port}`, { ca: cert!.cert });
    expect((await collect(s, { ':path': '/hello' })).body.toString()).toBe('hello from node');
    const size = 4 * 1024 * 1024;
    const r = await collect(s, { ':path': `/bytes/${size}` }, undefined, { keep: false });
    expect(r.sha256).toBe(Payload.digestOf(size));
  });
});
