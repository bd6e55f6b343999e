import * as http2 from 'node:http2';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { lastValueFrom, toArray as rxToArray } from 'rxjs';
import { toArray } from 'ix/asynciterable';
import { ErrorCode } from '../../src/protocol/error-code';
import { connect } from '../../src/rx/connect';
import { itWithTls } from '../interop/helpers';
import { makeCertificate } from '../transport/helpers';
import { serve } from '../../src/rx/serve';
import type { ResponseEvent } from '../../src/rx/rx-stream';

const itTls = itWithTls('serve-connect');

const body = (events: ResponseEvent[]) => Buffer.concat(events.flatMap((e) => (e.type === 'data' ? [e.chunk] : []))).toString();

describe('serve() and connect() over real sockets (h2c on 127.0.0.1)', () => {
  it('our client against our server: concurrent requests with bodies', async () => {
    const server = await serve({ host: '127.0.0.1' });
    server.streams$.subscribe(async (stream) => {
      const text = Buffer.concat(await toArray(stream.body)).toString();
      await stream.respond({ ':status': 200 }, `${stream.path}:${text.length}`);
    });
    const session = await connect(server.url);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        lastValueFrom(session.request({ ':method': 'POST', ':path': `/${i}` }, 'x'.repeat(i * 1000)).pipe(rxToArray())).then(body),
      ),
    );
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => `/${i}:${i * 1000}`));
    session.close();
    await server.close();
  });

  it("Node's built-in client against our server", async () => {
    const server = await serve({ host: '127.0.0.1' });
    server.streams$.subscribe((stream) => void stream.respond({ ':status': 201, 'x-by': 'rx-http2' }, 'made'));
    const client = http2.connect(server.url);
    const { headers, text } = await new Promise<{ headers: http2.IncomingHttpHeaders; text: string }>((resolve, reject) => {
      const req = client.request({ ':path': '/thing' });
      let text = '';
      let headers: http2.IncomingHttpHeaders = {};
      req.on('response', (h) => (headers = h));
      req.setEncoding('utf8');
      req.on('data', (c) => (text += c));
      req.on('end', () => resolve({ headers, text }));
      req.on('error', reject);
    });
    expect(headers[':status']).toBe(201);
    expect(headers['x-by']).toBe('rx-http2');
    expect(text).toBe('made');
    await new Promise<void>((r) => client.close(() => r()));
    await server.close();
  });

  it("our client against Node's built-in server", async () => {
    const nodeServer = http2.createServer();
    nodeServer.on('stream', (stream, headers) => {
      stream.respond({ ':status': 200, 'content-type': 'text/plain' });
      stream.end(`node saw ${headers[':method']} ${headers[':path']}`);
    });
    await new Promise<void>((r) => nodeServer.listen(0, '127.0.0.1', r));
    const { port } = nodeServer.address() as AddressInfo;
    const session = await connect(`http://127.0.0.1:${port}`);
    const events = await lastValueFrom(session.request({ ':path': '/hello' }).pipe(rxToArray()));
    expect(events[0]).toMatchObject({ type: 'response', status: 200 });
    expect(body(events)).toBe('node saw GET /hello');
    session.close();
    await new Promise<void>((r) => nodeServer.close(() => r()));
  });

  it('a server nobody serves (no streams$ subscriber) refuses requests with REFUSED_STREAM, safe to retry', async () => {
    const server = await serve({ host: '127.0.0.1' });
    const session = await connect(server.url);
    try {
      const error = await lastValueFrom(session.request({ ':path': '/' }).pipe(rxToArray())).catch((e) => e);
      expect(error).toMatchObject({ kind: 'reset', code: ErrorCode.REFUSED_STREAM, initiator: 'remote', retryable: true });
    } finally {
      session.close();
      await server.close();
    }
  });

  it('a connection that arrives while the server is closing gets GOAWAY: its request is refused, safe to retry', async () => {
    const server = await serve({ host: '127.0.0.1' });
    server.streams$.subscribe((stream) => void stream.respond({ ':status': 200 }, 'served'));
    const closed = server.close();
    // A socket accepted late, as one whose TLS handshake completes after close(): handed over by a side listener.
    const side = net.createServer({ allowHalfOpen: true }, (socket) => server.accept(socket));
    await new Promise<void>((resolve) => side.listen(0, '127.0.0.1', resolve));
    const session = await connect(`http://127.0.0.1:${(side.address() as AddressInfo).port}`);
    const outcome = await lastValueFrom(session.request({ ':path': '/' }).pipe(rxToArray())).catch((e: unknown) => e);
    expect(outcome).toMatchObject({ code: ErrorCode.REFUSED_STREAM, retryable: true });
    session.close();
    await closed;
    await new Promise((resolve) => side.close(resolve));
  });

  itTls("ALTSVC and ORIGIN reach Node's built-in client as its 'altsvc' and 'origin' events (over TLS: Node reports ORIGIN only there)", async () => {
    const cert = makeCertificate()!;
    const server = await serve({ host: '127.0.0.1', tls: cert });
    server.sessions$.subscribe((session) => {
      session.sendAltsvc('h2=":8443"; ma=60', 'https://example.com');
      session.sendOrigin('https://a.example', 'https://b.example:8443');
    });
    const client = http2.connect(server.url, { ca: cert.cert });
    try {
      const [altsvc, origins] = await Promise.all([
        new Promise<unknown[]>((resolve) => client.once('altsvc', (alt, origin, streamId) => resolve([alt, origin, streamId]))),
        new Promise<string[]>((resolve) => client.once('origin', resolve)),
      ]);
      expect(altsvc).toEqual(['h2=":8443"; ma=60', 'https://example.com', 0]);
      expect(origins).toEqual(['https://a.example', 'https://b.example:8443']);
    } finally {
      await new Promise<void>((r) => client.close(() => r()));
      await server.close();
    }
  });
});
